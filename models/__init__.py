"""daihoi's data layer: typed SQLAlchemy models, engine and sessions, set-based queries."""

from models.accounts import (
    Account,
    ActivationCode,
    DataVersion,
    LoginFailure,
    LoginLock,
    WebSession,
)
from models.base import Base
from models.changes import DataChange
from models.drafting import SuggestionDismissal
from models.feedback import Comment, Disposition, Draft, DraftSection, Submission
from models.inspection import Inspection, Remedy
from models.jobs import WebJob
from models.org import Congress, Organisation, OrgLink
from models.personnel import Candidate, CandidateStep
from models.plan import MilestoneOverride, PlanMilestone, PlanVersion
from models.records import (
    AppMeta,
    AuditEvent,
    DocumentCounter,
    IntakeRecord,
    ReportArchive,
    StatusSnapshot,
)
from models.targets import YearFigures
from models.training import Attendance, Course, SessionRole, TrainingSession
from models.trend import TrendPoint

__all__ = [
    "Account",
    "ActivationCode",
    "AppMeta",
    "Attendance",
    "AuditEvent",
    "Base",
    "Candidate",
    "CandidateStep",
    "Comment",
    "Congress",
    "Course",
    "DataChange",
    "DataVersion",
    "Disposition",
    "DocumentCounter",
    "Draft",
    "DraftSection",
    "Inspection",
    "IntakeRecord",
    "LoginFailure",
    "LoginLock",
    "MilestoneOverride",
    "OrgLink",
    "Organisation",
    "PlanMilestone",
    "PlanVersion",
    "Remedy",
    "ReportArchive",
    "SessionRole",
    "StatusSnapshot",
    "Submission",
    "SuggestionDismissal",
    "TrainingSession",
    "TrendPoint",
    "WebJob",
    "WebSession",
    "YearFigures",
]
