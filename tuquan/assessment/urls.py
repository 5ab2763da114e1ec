from django.urls import path

from tuquan.assessment import views

app_name = "assessment"

urlpatterns = [
    path("danh-gia/", views.index, name="index"),
    path("danh-gia/dot/<uuid:uid>/", views.round_detail, name="round"),
    path("danh-gia/dot/<uuid:uid>/phe-duyet/", views.round_approve, name="approve"),
    path("danh-gia/dot/<uuid:uid>/tra-lai/", views.round_return, name="return"),
    path("danh-gia/dot/<uuid:uid>/mo-lai/", views.round_reopen, name="reopen"),
    path("danh-gia/xep-loai-to/", views.team_grading, name="grading"),
    path("dia-ban-trong-diem/<uuid:uid>/", views.hotspot_detail, name="hotspot"),
]
