from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tuquan.documents"
    label = "documents"
    verbose_name = "Văn bản báo cáo và tổng quan"
