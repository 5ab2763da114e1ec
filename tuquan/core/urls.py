from django.urls import path

from tuquan.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dia-ban/", views.area_browser, name="areas"),
    path("dia-ban/<str:ident>/", views.area_detail, name="area"),
    path("dia-ban/<str:ident>/them-thon/", views.village_create, name="village_create"),
    path("dia-ban/<str:ident>/sua/", views.village_edit, name="village_edit"),
    path("dia-ban/<str:ident>/nhap-thon/", views.village_import, name="village_import"),
    path("nhat-ky-he-thong/", views.audit_log, name="audit"),
    path("xep-dia-ban/", views.placement_list, name="placements"),
    path("xep-dia-ban/<int:pk>/", views.placement_assign, name="placement_assign"),
]
