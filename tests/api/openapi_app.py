"""The live schema loaded into schemathesis, calling the WSGI application in this process."""

import json

import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator


class _Application:
    """The WSGI application, built at the first request, after the test settings apply (the
    security middleware reads them once, when it is built)."""

    handler = None

    def __call__(self, environ, start_response):
        if self.handler is None:
            self.handler = get_wsgi_application()
        return self.handler(environ, start_response)


def schema_document() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(document, default=str))


def loaded_schema():
    loaded = schemathesis.openapi.from_dict(schema_document())
    loaded.app = _Application()
    return loaded
