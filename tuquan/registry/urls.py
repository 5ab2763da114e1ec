from django.urls import path

from tuquan.registry import views

app_name = "registry"

urlpatterns = [
    path("to/", views.team_list, name="teams"),
    path("to/them/", views.team_create, name="team_create"),
    path("to/<uuid:uid>/", views.team_detail, name="team"),
    path("to/<uuid:uid>/sua/", views.team_edit, name="team_edit"),
    path("to/<uuid:uid>/tinh-trang/", views.team_status, name="team_status"),
    path("to/<uuid:uid>/thanh-vien/", views.membership_add, name="membership_add"),
    path("to/<uuid:uid>/ho/", views.team_household_add, name="team_household_add"),
    path("to/<uuid:uid>/cam-ket/", views.commitment_add, name="commitment_add"),
    path("to/<uuid:uid>/tap-huan/", views.training_add, name="training_add"),
    path("to/<uuid:uid>/khen-thuong/", views.commendation_add, name="commendation_add"),
    path("thanh-vien/<uuid:uid>/roi-to/", views.membership_end, name="membership_end"),
    path("nguoi/", views.person_list, name="people"),
    path("nguoi/them/", views.person_create, name="person_create"),
    path("nguoi/<uuid:uid>/", views.person_detail, name="person"),
    path("nguoi/<uuid:uid>/sua/", views.person_edit, name="person_edit"),
    path("ho/", views.household_list, name="households"),
    path("ho/them/", views.household_create, name="household_create"),
    path("ho/<uuid:uid>/", views.household_detail, name="household"),
    path("do-phu/<str:ident>/", views.coverage, name="coverage"),
    path("luc-luong/<str:ident>/", views.force_statistics, name="force"),
    path("luc-luong/<str:ident>/thiet-lap/", views.force_settings, name="force_settings"),
    path("mo-hinh/", views.model_type_list, name="model_types"),
    path("mo-hinh/them/", views.model_type_create, name="model_type_create"),
    path("mo-hinh/<slug:code>/", views.model_type_edit, name="model_type_edit"),
]
