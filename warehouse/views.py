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

V1 = {"mart_group_month": MART_GROUP_MONTH_V1, "mart_submission": MART_SUBMISSION_V1}
