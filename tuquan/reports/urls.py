from django.urls import path

from tuquan.reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.report_form, name="form"),
    path("bao-cao/<uuid:uid>/", views.report_job, name="job"),
    path("bao-cao/<uuid:uid>/tai.<slug:fmt>", views.report_download, name="download"),
]
