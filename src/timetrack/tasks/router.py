from __future__ import annotations

from timetrack.errors import TASK_DELETED, TASK_NAME_TAKEN, TASK_NOT_FOUND
from timetrack.filters import name_filter
from timetrack.routing import Resource
from timetrack.tasks import service
from timetrack.tasks.schemas import TaskCreate, TaskRead, TaskUpdate

# The table the routes are made from; the web app's admin pages serve it too.
resource = Resource(
    singular="task",
    plural="tasks",
    read_model=TaskRead,
    create_model=TaskCreate,
    update_model=TaskUpdate,
    filters=name_filter,
    list=service.list_tasks,
    get=service.get_task,
    create=service.create_task,
    update=service.update_task,
    delete=service.delete_task,
    columns=service.COLUMNS,
    not_found=TASK_NOT_FOUND,
    deleted=TASK_DELETED,
    errors={"create": (TASK_NAME_TAKEN,)},
    examples={
        "create": {"name": "Development", "hourRate": 30.0},
        "update": {"hourRate": 35.5, "notes": "Test task for API"},
    },
    conflicts={"create": "A task with this name exists"},
)
router = resource.router()
