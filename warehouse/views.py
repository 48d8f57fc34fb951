"""The marts: reporting views that reports and BI tools read (DESIGN §4).

Names and leading columns are a public interface; add columns at the end only.
Each view reads only the *current* version of a submission: files whose ledger
status is 'loaded' (a superseded file's rows stay in the facts, for history).
Portable SQL: the same text runs on SQLite and PostgreSQL.
A migration freezes the text it creates (versions/*.py import a named version here).
"""

from __future__ import annotations

# one row per group and month for which a current monthly report exists
MART_GROUP_MONTH_V1 = """
CREATE VIEW mart_group_month AS
WITH report AS (
    SELECT r.file_id, r.group_code, r.month
    FROM monthly_report r
    JOIN ingested_file f ON f.id = r.file_id AND f.status = 'loaded'
),
contacts AS (
    SELECT c.file_id,
           COUNT(*) AS contacts,
           COUNT(DISTINCT c.enterprise) AS enterprises,
           SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM dim_key_enterprise k
                   WHERE c.enterprise LIKE '%' || k.pattern || '%') THEN 1 ELSE 0 END) AS key_enterprise_contacts
    FROM fact_contact c
    GROUP BY c.file_id
),
signings AS (
    SELECT file_id, COUNT(*) AS signings, SUM(investment_wan) AS signed_investment_wan
    FROM fact_signing GROUP BY file_id
),
expenses AS (
    SELECT file_id, SUM(amount_yuan) AS expense_yuan
    FROM fact_expense GROUP BY file_id
)
SELECT report.group_code,
       report.month,
       COALESCE(contacts.contacts, 0) AS contacts,
       COALESCE(contacts.enterprises, 0) AS enterprises,
       COALESCE(contacts.key_enterprise_contacts, 0) AS key_enterprise_contacts,
       COALESCE(signings.signings, 0) AS signings,
       ROUND(COALESCE(signings.signed_investment_wan, 0), 4) AS signed_investment_wan,
       ROUND(COALESCE(expenses.expense_yuan, 0), 2) AS expense_yuan,
       report.file_id
FROM report
LEFT JOIN contacts ON contacts.file_id = report.file_id
LEFT JOIN signings ON signings.file_id = report.file_id
LEFT JOIN expenses ON expenses.file_id = report.file_id
"""

# one row per submission that was due; received_at = first accepted version's arrival
MART_SUBMISSION_V1 = """
CREATE VIEW mart_submission AS
WITH accepted AS (
    SELECT kind, subject, period, MIN(received_at) AS received_at
    FROM ingested_file
    WHERE status IN ('loaded', 'superseded')
    GROUP BY kind, subject, period
)
SELECT d.kind,
       d.subject,
       d.period,
       CASE WHEN a.received_at IS NULL THEN 'missing'
            WHEN a.received_at <= d.due_at THEN 'on_time'
            ELSE 'late' END AS status,
       a.received_at,
       d.due_at
FROM submission_due d
LEFT JOIN accepted a ON a.kind = d.kind AND a.subject = d.subject AND a.period = d.period
"""

INITIAL_VIEWS = {"mart_group_month": MART_GROUP_MONTH_V1, "mart_submission": MART_SUBMISSION_V1}

# migration 0005: the same rows, each due submission looked up in the ledger's index instead of
# grouping the whole ledger first (which a history of a million ledger rows made take seconds)
MART_SUBMISSION_V2 = """
CREATE VIEW mart_submission AS
SELECT kind,
       subject,
       period,
       CASE WHEN received_at IS NULL THEN 'missing'
            WHEN received_at <= due_at THEN 'on_time'
            ELSE 'late' END AS status,
       received_at,
       due_at
FROM (
    SELECT d.kind, d.subject, d.period, d.due_at,
           (SELECT MIN(f.received_at)
            FROM ingested_file f
            WHERE f.kind = d.kind AND f.subject = d.subject AND f.period = d.period
              AND f.status IN ('loaded', 'superseded')) AS received_at
    FROM submission_due d
) due
"""

SUBMISSION_INDEX_VIEWS = {"mart_submission": MART_SUBMISSION_V2}

# ── weekly project reports (migration 0002) ──────────────────────────────────

# one row per project and reported week (current version of each weekly report)
MART_PROJECT_WEEK_V1 = """
CREATE VIEW mart_project_week AS
WITH progress AS (
    SELECT p.*
    FROM fact_project_week p
    JOIN ingested_file f ON f.id = p.file_id AND f.status = 'loaded'
),
procedures AS (
    SELECT file_id, project_code,
           SUM(CASE WHEN status = '已办结' THEN 1 ELSE 0 END) AS procedures_done,
           SUM(CASE WHEN planned_on IS NOT NULL AND planned_on < week_end
                     AND status NOT IN ('已办结', '不涉及') THEN 1 ELSE 0 END) AS procedures_overdue
    FROM fact_procedure_week
    GROUP BY file_id, project_code
),
problems AS (
    SELECT file_id, project_code, SUM(CASE WHEN status <> '已解决' THEN 1 ELSE 0 END) AS open_problems
    FROM fact_problem_week
    GROUP BY file_id, project_code
)
SELECT progress.project_code,
       progress.week_start,
       ROUND(progress.invest_week_wan, 4) AS invest_week_wan,
       ROUND(progress.invest_cum_wan, 4) AS invest_cum_wan,
       progress.stage,
       COALESCE(procedures.procedures_done, 0) AS procedures_done,
       COALESCE(procedures.procedures_overdue, 0) AS procedures_overdue,
       COALESCE(problems.open_problems, 0) AS open_problems,
       progress.project_name,
       progress.cadre,
       ROUND(progress.planned_wan, 4) AS planned_wan,
       progress.leader,
       progress.file_id
FROM progress
LEFT JOIN procedures ON procedures.file_id = progress.file_id AND procedures.project_code = progress.project_code
LEFT JOIN problems ON problems.file_id = progress.file_id AND problems.project_code = progress.project_code
"""

# one row per problem (project + description), in its latest reported state
MART_PROBLEM_V1 = """
CREATE VIEW mart_problem AS
WITH reported AS (
    SELECT pr.*
    FROM fact_problem_week pr
    JOIN ingested_file f ON f.id = pr.file_id AND f.status = 'loaded'
),
ranked AS (
    SELECT reported.*,
           ROW_NUMBER() OVER (PARTITION BY project_code, description ORDER BY week_start DESC, id DESC) AS latest,
           MIN(week_start) OVER (PARTITION BY project_code, description) AS first_week,
           MAX(week_start) OVER (PARTITION BY project_code, description) AS last_week,
           MIN(CASE WHEN status = '已解决' THEN week_start END)
               OVER (PARTITION BY project_code, description) AS resolved_week,
           COUNT(*) OVER (PARTITION BY project_code, description) AS weeks_reported
    FROM reported
)
SELECT project_code, description, category, leader, deadline, status, first_week, last_week,
       resolved_week, weeks_reported, unit, cadre, file_id
FROM ranked
WHERE latest = 1
"""

WEEKLY_VIEWS = {"mart_project_week": MART_PROJECT_WEEK_V1, "mart_problem": MART_PROBLEM_V1}

# migration 0006: the same rows, each row's procedure and problem counts looked up through the
# facts' file_id index instead of grouping every procedure and problem of the history first, so a
# report that reads a few weeks pays for those weeks only (the digest's read: 0.18 s → 0.015 s a year)
MART_PROJECT_WEEK_V2 = """
CREATE VIEW mart_project_week AS
SELECT p.project_code,
       p.week_start,
       ROUND(p.invest_week_wan, 4) AS invest_week_wan,
       ROUND(p.invest_cum_wan, 4) AS invest_cum_wan,
       p.stage,
       (SELECT COUNT(*) FROM fact_procedure_week q
        WHERE q.file_id = p.file_id AND q.project_code = p.project_code AND q.status = '已办结') AS procedures_done,
       (SELECT COUNT(*) FROM fact_procedure_week q
        WHERE q.file_id = p.file_id AND q.project_code = p.project_code AND q.planned_on IS NOT NULL
          AND q.planned_on < q.week_end AND q.status NOT IN ('已办结', '不涉及')) AS procedures_overdue,
       (SELECT COUNT(*) FROM fact_problem_week r
        WHERE r.file_id = p.file_id AND r.project_code = p.project_code AND r.status <> '已解决') AS open_problems,
       p.project_name,
       p.cadre,
       ROUND(p.planned_wan, 4) AS planned_wan,
       p.leader,
       p.file_id
FROM fact_project_week p
JOIN ingested_file f ON f.id = p.file_id AND f.status = 'loaded'
"""

PROJECT_WEEK_INDEX_VIEWS = {"mart_project_week": MART_PROJECT_WEEK_V2}

# ── half-year appraisal (migration 0004) ─────────────────────────────────────

# one row per appraised person and half-year (DESIGN §4); the leading columns are the contract
MART_PERSON_HALF_V1 = """
CREATE VIEW mart_person_half AS
SELECT person,
       group_code,
       half,
       contacts,
       ROUND(signings, 4) AS signings,
       ROUND(signed_investment_wan, 4) AS signed_investment_wan,
       ROUND(review_score, 2) AS review_score,
       ROUND(appraisal_score, 2) AS appraisal_score,
       rank,
       key_enterprise_contacts,
       key_regions,
       construction_starts,
       submissions_due,
       submissions_on_time,
       ROUND(timeliness_pct, 2) AS timeliness_pct,
       raters,
       note,
       computed_at
FROM person_half_score
"""

APPRAISAL_VIEWS = {"mart_person_half": MART_PERSON_HALF_V1}

# ── migration 0007: the words people act on (DESIGN §3.4, §4, §5) ────────────

# status `rejected`: something arrived, but every version so far was rejected — never "missing"
MART_SUBMISSION_V3 = """
CREATE VIEW mart_submission AS
SELECT kind,
       subject,
       period,
       CASE WHEN received_at IS NOT NULL AND received_at <= due_at THEN 'on_time'
            WHEN received_at IS NOT NULL THEN 'late'
            WHEN rejected_at IS NOT NULL THEN 'rejected'
            ELSE 'missing' END AS status,
       received_at,
       due_at,
       rejected_at
FROM (
    SELECT d.kind, d.subject, d.period, d.due_at,
           (SELECT MIN(f.received_at)
            FROM ingested_file f
            WHERE f.kind = d.kind AND f.subject = d.subject AND f.period = d.period
              AND f.status IN ('loaded', 'superseded')) AS received_at,
           (SELECT MIN(f.received_at)
            FROM ingested_file f
            WHERE f.kind = d.kind AND f.subject = d.subject AND f.period = d.period
              AND f.status = 'rejected') AS rejected_at
    FROM submission_due d
) due
"""

# unknown is not zero: a week reported without a 手续办理 sheet (a CSV weekly report) has NULL
# procedure figures, not 0
MART_PROJECT_WEEK_V3 = """
CREATE VIEW mart_project_week AS
SELECT p.project_code,
       p.week_start,
       ROUND(p.invest_week_wan, 4) AS invest_week_wan,
       ROUND(p.invest_cum_wan, 4) AS invest_cum_wan,
       p.stage,
       CASE WHEN w.procedures_reported THEN
       (SELECT COUNT(*) FROM fact_procedure_week q
        WHERE q.file_id = p.file_id AND q.project_code = p.project_code AND q.status = '已办结') END AS procedures_done,
       CASE WHEN w.procedures_reported THEN
       (SELECT COUNT(*) FROM fact_procedure_week q
        WHERE q.file_id = p.file_id AND q.project_code = p.project_code AND q.planned_on IS NOT NULL
          AND q.planned_on < q.week_end AND q.status NOT IN ('已办结', '不涉及')) END AS procedures_overdue,
       (SELECT COUNT(*) FROM fact_problem_week r
        WHERE r.file_id = p.file_id AND r.project_code = p.project_code AND r.status <> '已解决') AS open_problems,
       p.project_name,
       p.cadre,
       ROUND(p.planned_wan, 4) AS planned_wan,
       p.leader,
       p.file_id
FROM fact_project_week p
JOIN ingested_file f ON f.id = p.file_id AND f.status = 'loaded'
LEFT JOIN weekly_report w ON w.file_id = p.file_id
"""

# one row per review score that counts: from the latest current file covering the person's group
# for the half (several files per half-year combine per group, DESIGN §3.4); of two current files
# scoring the same person by the same rater, the later one counts
CURRENT_REVIEW_SCORE_V1 = """
CREATE VIEW current_review_score AS
SELECT r.half, r.person, r.group_code, r.rater, r.score, r.comment, r.file_id, r.sheet_row
FROM fact_review_score r
JOIN ingested_file f ON f.id = r.file_id AND f.status = 'loaded'
WHERE NOT EXISTS (
    SELECT 1
    FROM fact_review_score later
    JOIN ingested_file g ON g.id = later.file_id AND g.status = 'loaded'
    WHERE later.half = r.half
      AND (later.group_code = r.group_code OR (later.person = r.person AND later.rater = r.rater))
      AND (g.received_at > f.received_at OR (g.received_at = f.received_at AND g.id > f.id))
)
"""

STATUS_WORDS_VIEWS = {"mart_submission": MART_SUBMISSION_V3, "mart_project_week": MART_PROJECT_WEEK_V3,
                      "current_review_score": CURRENT_REVIEW_SCORE_V1}
