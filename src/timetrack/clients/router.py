from __future__ import annotations

from timetrack.clients import service
from timetrack.clients.schemas import ClientCreate, ClientRead, ClientUpdate
from timetrack.errors import (
    CLIENT_DELETED,
    CLIENT_HAS_PROJECTS,
    CLIENT_NAME_TAKEN,
    CLIENT_NOT_FOUND,
)
from timetrack.filters import name_filter
from timetrack.routing import Resource

# The table the routes are made from; the web app's admin pages serve it too.
resource = Resource(
    singular="client",
    plural="clients",
    read_model=ClientRead,
    create_model=ClientCreate,
    update_model=ClientUpdate,
    filters=name_filter,
    list=service.list_clients,
    get=service.get_client,
    create=service.create_client,
    update=service.update_client,
    delete=service.delete_client,
    columns=service.COLUMNS,
    not_found=CLIENT_NOT_FOUND,
    deleted=CLIENT_DELETED,
    errors={"create": (CLIENT_NAME_TAKEN,), "delete": (CLIENT_HAS_PROJECTS,)},
    examples={
        "create": {"name": "Client Test", "field1": "VAT ID: 123455678"},
        "update": {"email": "test@timetrackapp.com", "field2": "Test"},
    },
    conflicts={
        "create": "A client with this name exists",
        "delete": "The client still has projects",
    },
)
router = resource.router()
