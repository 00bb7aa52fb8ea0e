"""Celery tasks: thin wrappers over services, taking ids, safe to run twice."""

from celery import shared_task

from regulator.audit import audit_context


@shared_task
def reconcile_nightly() -> dict:
    from traceability import services

    with audit_context(command="traceability.reconcile_nightly"):
        runs = services.reconcile_all()
    return {run.jurisdiction_id: run.found for run in runs}


@shared_task
def run_reconciliation(run_id: int) -> None:
    from traceability import services

    with audit_context(command="traceability.run_reconciliation"):
        services.run_reconciliation(run_id)


@shared_task
def run_csv_job(job_id: int) -> None:
    from traceability import services

    with audit_context(command="traceability.run_csv_job"):
        services.run_csv_job(job_id)


@shared_task
def fail_stale_jobs() -> list[int]:
    """Beat: running imports whose worker died (no heartbeat) are marked failed, to be sent again."""
    from traceability import services

    with audit_context(command="traceability.fail_stale_jobs"):
        return services.fail_stale_jobs()
