# Models of the traceability app live here, one module per topic (see docs/adding-models.md).
from traceability.models.codes import TraceCode, TraceEvent
from traceability.models.jobs import IngestJob, ReconciliationRun
from traceability.models.oversight import Discrepancy, Recall, RecallTask

__all__ = ["Discrepancy", "IngestJob", "Recall", "RecallTask", "ReconciliationRun", "TraceCode", "TraceEvent"]
