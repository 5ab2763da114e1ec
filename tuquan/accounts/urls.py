from django.urls import path

from tuquan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("kich-hoat/", views.redeem_code, name="redeem"),
    path("toi/", views.me, name="me"),
    path("tai-khoan/", views.user_list, name="users"),
    path("tai-khoan/them/", views.user_create, name="user_create"),
    path("tai-khoan/<int:pk>/", views.user_detail, name="user"),
    path("tai-khoan/<int:pk>/sua/", views.user_edit, name="user_edit"),
    path("tai-khoan/<int:pk>/chuyen/", views.user_move, name="user_move"),
    path("tai-khoan/<int:pk>/<slug:action>/", views.user_action, name="user_action"),
]
