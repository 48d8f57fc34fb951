"""Inbox ingest: every waiting file through the gate into the warehouse (DESIGN §2–4)."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows.common import open_warehouse, publish_ingest_artifacts, settings_for
from zhaoshang import ingest as steps


@task(cache_policy=NO_CACHE)
def collect_waiting_files(files, settings, engine, seen):
    """Read a batch of waiting files (duplicates of accepted files, or of files met earlier in the pass, recognised here)."""
    return steps.collect(settings, engine, files=files, seen=seen)


@task(cache_policy=NO_CACHE)
def check_files(batch, settings, engine, helper):
    """Stage every file (sharing the work with the helper process) and run the validation gate over the batch."""
    return steps.check(batch, settings, engine, helper)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def store_files(examined, duplicates, settings, engine, run_id: str):
    """Archive or reject each original and load the batch in one transaction."""
    return steps.store(examined, duplicates, settings, engine, run_id)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def refresh_dimensions(settings, engine):
    """Sync groups, key enterprises and due dates from the zone configuration."""
    steps.refresh_dimensions(settings, engine)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def mail_explanations(settings, engine, outcomes) -> int:
    """Mail each rejected file's explanation to its submitter (known from the roster)."""
    return steps.notify_submitters(settings, engine, outcomes)


@flow(name="ingest", log_prints=False)
def ingest(config: str | None = None, root: str | None = None, warehouse_url: str | None = None,
           settle_seconds: float = 0) -> steps.PassSummary:
    """One pass over the inbox: collect → check → store → tell submitters → summarise."""
    settings = settings_for(config, root, warehouse_url)
    engine = open_warehouse(settings)
    with steps.exclusive_pass(settings, engine):
        # quote(): the batch goes to each stage as it is — Prefect would otherwise walk every
        # object of thousands of files looking for futures (seconds per stage at a zone's year)
        waiting = steps.waiting_files(settings, settle_seconds)
        batches = steps.in_batches(waiting)
        outcomes = []
        with steps.helper_process(len(waiting)) as helper:
            seen: set[str] = set()
            batch, duplicates = collect_waiting_files(quote(batches[0]), settings, engine, quote(seen))
            for number in range(1, len(batches) + 1):
                examined, known_copies = check_files(quote(batch), settings, engine, quote(helper)), duplicates
                if number < len(batches):  # read the next batch now: the helper stages it while this one is stored
                    batch, duplicates = collect_waiting_files(quote(batches[number]), settings, engine, quote(seen))
                    steps.look_ahead(helper, batch, settings)
                outcomes += store_files(quote(examined), quote(known_copies), settings, engine, str(flow_run.id or "local"))
                if len(batches) > 1:
                    get_run_logger().info("batch %d of %d stored", number, len(batches))
        refresh_dimensions(settings, engine)
    mail_explanations(settings, engine, quote(outcomes))
    summary = steps.summarise(outcomes, engine)
    publish_ingest_artifacts(summary)
    get_run_logger().info("ingest pass: %d files, %s", len(summary.files), dict(steps.status_counts(summary)))
    return summary
