from django.urls import path

from tuquan.documents import views

app_name = "documents"

urlpatterns = [
    path("tong-quan/", views.dashboard_home, name="dashboard_home"),
    path("tong-quan/<str:ident>/", views.dashboard, name="dashboard"),
    path("tong-quan/<str:ident>/thong-bao/", views.notice, name="notice"),
    path("van-ban/", views.issued_list, name="issued"),
    path("van-ban/xem-truoc/", views.preview, name="preview"),
    path("van-ban/ban-nhap.<slug:fmt>", views.draft, name="draft"),
    path("van-ban/<uuid:uid>/", views.issued_detail, name="issued_detail"),
    path("van-ban/<uuid:uid>/tai.<slug:fmt>", views.issued_download, name="issued_download"),
    path("mau-bao-cao/<str:ident>/", views.template_edit, name="template"),
]
