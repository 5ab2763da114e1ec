from django.urls import include, path
from django.views.i18n import set_language

from tuquan.api import api
from tuquan.core import views as core_views

handler403 = "tuquan.core.errors.forbidden"
handler404 = "tuquan.core.errors.not_found"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("", include("tuquan.accounts.urls")),
    path("", include("tuquan.registry.urls")),
    path("", include("tuquan.registry.urls_io")),
    path("", include("tuquan.journal.urls")),
    path("", include("tuquan.reports.urls")),
    path("", include("tuquan.documents.urls")),
    path("", include("tuquan.tips.urls")),
    path("", include("tuquan.care.urls")),
    path("", include("tuquan.assessment.urls")),
    path("", include("tuquan.core.urls")),
]
