"""Every table, imported in one place: what Alembic and the tests see as the schema."""

from timetrack.models.absence import Absence
from timetrack.models.absence_type import AbsenceType
from timetrack.models.account import Account
from timetrack.models.api_key import ApiKey
from timetrack.models.attendance import Attendance
from timetrack.models.audit_entry import AuditEntry
from timetrack.models.auth_failure import AuthFailure
from timetrack.models.base import Base
from timetrack.models.client import Client
from timetrack.models.id_counter import IdCounter
from timetrack.models.idempotency_key import IdempotencyKey
from timetrack.models.project import Project
from timetrack.models.project_member import ProjectMember
from timetrack.models.project_timer import ProjectTimer
from timetrack.models.session import Session
from timetrack.models.task import Task
from timetrack.models.team import Team, TeamMember
from timetrack.models.time_entry import TimeEntry
from timetrack.models.user import User
from timetrack.models.working_time_model import WorkingTimeModel

__all__ = [
    "Absence",
    "AbsenceType",
    "Account",
    "ApiKey",
    "Attendance",
    "AuditEntry",
    "AuthFailure",
    "Base",
    "Client",
    "IdCounter",
    "IdempotencyKey",
    "Project",
    "ProjectMember",
    "ProjectTimer",
    "Session",
    "Task",
    "Team",
    "TeamMember",
    "TimeEntry",
    "User",
    "WorkingTimeModel",
]
