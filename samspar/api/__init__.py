"""The HTTP API (version 1): the registry, the reports and the evaluations as JSON.

``core`` holds the API object, the sign-in (API key or session) and the error answers;
each module adds its operations. Schema and interactive docs: /api/v1/openapi.json and
/api/v1/docs, for signed-in users only. docs/api.md describes it.
"""

from samspar.api import economics, follow_ups, registry, reports
from samspar.api.core import api

__all__ = ["api", "economics", "follow_ups", "registry", "reports"]
