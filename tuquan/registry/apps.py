from django.apps import AppConfig

from tuquan.core import hooks, jobs


class RegistryConfig(AppConfig):
    name = "tuquan.registry"
    label = "registry"
    verbose_name = "Sổ theo dõi mô hình, tổ, thành viên, hộ"

    def ready(self) -> None:
        from tuquan.core import services as core_services  # it loads models: only once the registry is ready
        from tuquan.registry import (
            auditlog,
            indicators,  # noqa: F401  (registers the registry's indicators)
            services,
            stocks,
        )
        from tuquan.registry.demo import load_registry_demo

        core_services.VILLAGE_LIFE_WATCHERS.append(stocks.villages_changing)
        jobs.on_lost(services.import_jobs_lost)
        hooks.demo_loader(20, load_registry_demo)
        auditlog.register()
