"""Inbox ingest: every waiting file through the gate into the warehouse (DESIGN §2–4)."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows.common import open_warehouse, publish_ingest_artifacts, settings_for
from zhaoshang.intake import dimensions, inbox, memory, notify
from zhaoshang.intake import helper as sharing
from zhaoshang.intake import ingest as steps


def warm_up() -> None:
    """Build the validation context and read the suites once, before the first file needs them (a
    process's first pass otherwise spends ~2 s importing Great Expectations and building its
    context): `serve` does it before a file lands, the `ingest` command while Prefect starts."""
    from zhaoshang.intake import validation

    validation._context()
    for sheet in validation.all_sheets():
        validation.load_suite(sheet.suite)


@task(cache_policy=NO_CACHE)
def collect_waiting_files(files, settings, engine, seen):
    """Read a batch of waiting files (duplicates of accepted files, or of files met earlier in the pass, recognised here)."""
    return steps.collect(settings, engine, files=files, seen=seen)


@task(cache_policy=NO_CACHE)
def stage_files(batch, settings, helper):
    """Read and stage every file of the batch, sharing the work with the helper process."""
    return sharing.examine_all(batch, settings, helper)


@task(cache_policy=NO_CACHE)
def check_files(examined, settings, engine):
    """Run the validation gate over the staged batch: the suites, then the cross-file rules."""
    return steps.judge(examined, settings, engine)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def store_files(examined, duplicates, settings, engine, run_id: str, clearing):
    """Load the batch in one transaction (refused originals placed first), then archive the accepted
    originals and clear the inbox on the pass's clean-up thread."""
    return steps.store(examined, duplicates, settings, engine, run_id, clearing)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def refresh_dimensions(settings, engine):
    """Sync groups, key enterprises and due dates from the zone configuration."""
    dimensions.refresh_dimensions(settings, engine)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def mail_explanations(settings, engine, outcomes) -> int:
    """Mail each rejected file's explanation to its submitter (known from the roster)."""
    return notify.notify_submitters(settings, engine, outcomes)


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
        with (sharing.helper_process(len(waiting)) as helper, inbox.clearing() as clearing,
              memory.garbage_collected_between_batches() as collect_garbage):
            seen: set[str] = set()
            batch, duplicates = collect_waiting_files(quote(batches[0]), settings, engine, quote(seen))
            for number in range(1, len(batches) + 1):
                staged, known_copies = stage_files(quote(batch), settings, quote(helper)), duplicates
                if number < len(batches):  # read the next batch now: the helper stages it while this one is checked and stored
                    batch, duplicates = collect_waiting_files(quote(batches[number]), settings, engine, quote(seen))
                    sharing.look_ahead(helper, batch, settings)
                examined = check_files(quote(staged), settings, engine)
                outcomes += store_files(quote(examined), quote(known_copies), settings, engine, str(flow_run.id or "local"),
                                        quote(clearing))
                collect_garbage()
                if len(batches) > 1:
                    get_run_logger().info("batch %d of %d stored", number, len(batches))
        refresh_dimensions(settings, engine)
    mail_explanations(settings, engine, quote(outcomes))
    summary = steps.summarise(outcomes, engine)
    publish_ingest_artifacts(summary)
    get_run_logger().info("ingest pass: %d files, %s", len(summary.files), dict(steps.status_counts(summary)))
    return summary
