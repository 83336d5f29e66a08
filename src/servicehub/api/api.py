"""The REST API under /api/v1/, assembled from each app's router.

Schema at /api/v1/openapi.json; browsable docs at /api/v1/docs, served from the
Swagger UI files shipped in the django-ninja wheel ("ninja" is an installed app
so its templates and static files are found), never from a CDN.
"""

from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.docs import Swagger
from ninja.operation import Operation

from servicehub.api.auth import SessionReadAuth, TokenAuth
from servicehub.api.errors import install_exception_handlers
from servicehub.catalogue.api import router as catalogue_router
from servicehub.contracts.api import router as contracts_router
from servicehub.demands.api import router as demands_router
from servicehub.org.api import router as org_router
from servicehub.people.api import router as people_router
from servicehub.planning.api import router as planning_router
from servicehub.talent.api import router as talent_router

DESCRIPTION = """\
Read the service centre's organisations, sites, specialists, catalogue and contracts; open demands and
move them through their lifecycle, from the request to the client's acceptance; plan the work; recruit,
from partner schools and campaigns to the hire, and follow headcount against its targets.

Calls authenticate with a personal access token (`Authorization: Bearer <token>`); the signed-in
browser session works too, for reads only. You see, and may act on, only what your organisation may:
another client's objects answer 404, exactly as missing ones do.

Writes:

- **Idempotency-Key** (every POST, optional): retrying with the same key and body answers the first
  response again and changes nothing; the same key with another body is refused with 422. Successful
  answers are kept 24 hours; a refused request leaves its key unused.
- **If-Match** (every POST that changes an existing demand, plan run, campaign or candidate): the
  `ETag` of its `GET`, e.g. `GET /demands/{id}/`. If the object changed since, the answer is 412 and
  nothing is done. If-Match is optional: without it the change applies to the object as it is now.
- Errors: 403 when you may see the object but not do this; 422 names each refused field, in the
  language of `Accept-Language`.
"""


class ServicehubAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # "list_sites" rather than "servicehub_org_api_list_sites"; a test keeps them unique.
        return operation.view_func.__name__

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        # A JSON body is read into one parameter ("payload"), which ninja puts in the error's location;
        # the client never sent that name, so a refused field is "lines.0.quantity", not "payload.lines…".
        errors = []
        for context in error_contexts:
            wrapper = getattr(context.model, "__read_from_single_attr__", None)
            for error in super().validation_error_from_error_contexts([context]).errors:
                source, *rest = error["loc"]
                if wrapper and rest[:1] == [wrapper]:
                    error["loc"] = (source, *rest[1:])
                errors.append(error)
        return ValidationError(errors)


api = ServicehubAPI(
    title="servicehub",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionReadAuth()],
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
)
install_exception_handlers(api)

api.add_router("", org_router)
api.add_router("", people_router)
api.add_router("", catalogue_router)
api.add_router("", contracts_router)
api.add_router("", demands_router)
api.add_router("", planning_router)
api.add_router("", talent_router)
