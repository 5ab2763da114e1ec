from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tuquan.documents"
    label = "documents"
    verbose_name = "Văn bản báo cáo và tổng quan"

    def ready(self) -> None:
        from tuquan.core import hooks
        from tuquan.documents import inbox
        from tuquan.documents.commands import write_document
        from tuquan.reports import formats

        formats.WRITERS.update({"docx": write_document, "pdf": write_document})
        hooks.inbox(inbox.sections)
        hooks.area_links(inbox.area_links)
