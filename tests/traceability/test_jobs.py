"""Upload jobs whose worker dies: the heartbeat, the beat task that fails them, and sending them again —
run by a real Celery worker over the real Redis broker."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.polling import wait_for
from tests.traceability.conftest import pack
from traceability import services, tasks
from traceability.choices import JobSource, JobStatus
from traceability.models import IngestJob, TraceEvent


@pytest.fixture
def worker(celery_worker_thread):
    yield


def status_of(job):
    return IngestJob.objects.get(pk=job.pk).status


@pytest.fixture
def upload(chain, tmp_path):
    """A pharmacy clerk's CSV upload: two good lines and a bad one."""
    path = tmp_path / "events.csv"
    path.write_text("code,kind,time,counterparty\n"
                    f"{pack(1)},receiving,{chain.at(2)},{chain.wholesaler.credit_code}\n"
                    f"{pack(2)},receiving,{chain.at(2)},{chain.wholesaler.credit_code}\n"
                    f"{pack(3)},receiving,yesterday,{chain.wholesaler.credit_code}\n", encoding="utf-8")
    clerk = chain.world.users["xq_enterprise_user"]
    return services.create_job(actor=clerk, source=JobSource.CSV, filename="events.csv", path=str(path))


def died_mid_import(job, minutes_ago):
    """What a worker killed mid-import leaves: the job 'running', its last heartbeat ``minutes_ago``, and
    nothing stored (the import's transaction died with it)."""
    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING,
                                               heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago))


def test_the_beat_task_fails_a_job_whose_worker_died_and_it_can_be_sent_again(upload, worker, settings):
    # given: a job whose worker died 15 minutes ago, and one whose worker beat a minute ago
    settings.TRACE_JOB_STALE_MINUTES = 10
    died_mid_import(upload, minutes_ago=15)
    alive = services.create_job(actor=None, source=JobSource.CSV, filename="other.csv", path=upload.path)
    died_mid_import(alive, minutes_ago=1)

    # when: the beat task runs on the worker
    tasks.fail_stale_jobs.delay()

    # then: the dead one is failed, with a message saying it can be sent again; the live one is left alone
    assert wait_for(lambda: status_of(upload) == JobStatus.FAILED)
    failed = IngestJob.objects.get(pk=upload.pk)
    assert failed.finished_at is not None
    assert "send it again" in failed.error or "重新" in failed.error  # in the worker's language
    assert status_of(alive) == JobStatus.RUNNING
    assert not TraceEvent.objects.exists()

    # when: the job is run again (Celery redelivers it, or the user resends): it is imported once
    tasks.run_csv_job.delay(upload.pk)
    assert wait_for(lambda: status_of(upload) == JobStatus.DONE)
    done = IngestJob.objects.get(pk=upload.pk)
    assert (done.received, done.accepted, done.rejected, done.stored, done.error) == (3, 2, 1, 2, "")
    assert done.heartbeat_at is not None

    # and sending the same file again stores nothing twice
    again = services.create_job(actor=upload.submitted_by, source=JobSource.CSV, filename="events.csv",
                                path=upload.path)
    tasks.run_csv_job.delay(again.pk)
    assert wait_for(lambda: status_of(again) == JobStatus.DONE)
    assert IngestJob.objects.get(pk=again.pk).stored == 0
    assert TraceEvent.objects.count() == 2


def test_a_running_job_without_any_heartbeat_fails_once_old_enough(upload, worker, settings):
    settings.TRACE_JOB_STALE_MINUTES = 10
    IngestJob.objects.filter(pk=upload.pk).update(status=JobStatus.RUNNING, heartbeat_at=None,
                                                  created_at=timezone.now() - timedelta(minutes=11))
    tasks.fail_stale_jobs.delay()
    assert wait_for(lambda: status_of(upload) == JobStatus.FAILED)


def test_finished_and_waiting_jobs_are_not_touched(upload, chain, transactional_db):
    old = timezone.now() - timedelta(hours=2)
    IngestJob.objects.filter(pk=upload.pk).update(status=JobStatus.PENDING, created_at=old)
    done = services.create_job(actor=None, source=JobSource.CSV, filename="x.csv", path=upload.path)
    IngestJob.objects.filter(pk=done.pk).update(status=JobStatus.DONE, heartbeat_at=old)
    assert services.fail_stale_jobs() == []
    assert (status_of(upload), status_of(done)) == (JobStatus.PENDING, JobStatus.DONE)


def test_the_heartbeat_beats_while_the_job_runs_and_stops_after(upload, transactional_db):
    died_mid_import(upload, minutes_ago=30)
    before = IngestJob.objects.get(pk=upload.pk).heartbeat_at
    with services.Heartbeat(upload.pk, every=0.05):
        assert wait_for(lambda: IngestJob.objects.get(pk=upload.pk).heartbeat_at > before, seconds=5)
    last = IngestJob.objects.get(pk=upload.pk).heartbeat_at
    time.sleep(0.2)
    assert IngestJob.objects.get(pk=upload.pk).heartbeat_at == last
