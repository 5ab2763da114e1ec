from django.urls import path

from tuquan.tips import views

app_name = "tips"

urlpatterns = [
    path("tin-bao/", views.tip_new, name="new"),
    path("tin-bao/tra-cuu/", views.tip_status, name="status"),
    path("hop-tin-bao/", views.inbox, name="inbox"),
    path("hop-tin-bao/<uuid:uid>/", views.tip_detail, name="detail"),
    path("hop-tin-bao/<uuid:uid>/trang-thai/", views.tip_state, name="state"),
    path("hop-tin-bao/<uuid:uid>/tra-loi/", views.tip_reply, name="reply"),
    path("hop-tin-bao/<uuid:uid>/lien-ket/", views.tip_link, name="link"),
    path("hop-tin-bao/<uuid:uid>/nguoi-bao/", views.tip_identity, name="identity"),
    path("hop-tin-bao/<uuid:uid>/anh/<int:pk>/", views.tip_photo, name="photo"),
]
