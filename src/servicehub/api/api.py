"""The REST API under /api/v1/, assembled from each app's router.

Schema at /api/v1/openapi.json; browsable docs at /api/v1/docs, served from the
Swagger UI files shipped in the django-ninja wheel ("ninja" is an installed app
so its templates and static files are found), never from a CDN.
"""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation

from servicehub.api.auth import SessionReadAuth, TokenAuth
from servicehub.api.errors import install_exception_handlers
from servicehub.catalogue.api import router as catalogue_router
from servicehub.contracts.api import router as contracts_router
from servicehub.org.api import router as org_router
from servicehub.people.api import router as people_router


class ServicehubAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # "list_sites" rather than "servicehub_org_api_list_sites"; a test keeps them unique.
        return operation.view_func.__name__


api = ServicehubAPI(
    title="servicehub",
    version="1",
    description="Read the service centre's organisations, sites, specialists, catalogue and contracts.",
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
