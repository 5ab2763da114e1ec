from django.apps import AppConfig

from tuquan.core import hooks
from tuquan.reports import formats


class DocumentsConfig(AppConfig):
    name = "tuquan.documents"
    label = "documents"
    verbose_name = "Văn bản báo cáo và tổng quan"

    def ready(self) -> None:
        from tuquan.documents import inbox
        from tuquan.documents.commands import write_document

        formats.WRITERS.update({"docx": write_document, "pdf": write_document})
        hooks.inbox(inbox.sections)
        hooks.area_links(inbox.area_links)
