from django.urls import path

from tuquan.registry import views_io

app_name = "registry_io"

urlpatterns = [
    path("so-theo-doi/xuat/<str:ident>/", views_io.export, name="export"),
    path("so-theo-doi/nhap/", views_io.upload, name="upload"),
    path("so-theo-doi/nhap/<int:pk>/", views_io.job, name="job"),
]
