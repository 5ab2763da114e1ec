from django.apps import AppConfig

from tuquan.core import hooks, jobs
from tuquan.core.actors import Actor


class RegistryConfig(AppConfig):
    name = "tuquan.registry"
    label = "registry"
    verbose_name = "Sổ theo dõi mô hình, tổ, thành viên, hộ"

    def ready(self) -> None:
        from tuquan.core import services as core_services  # it loads models: only once the registry is ready
        from tuquan.registry import (
            indicators,  # noqa: F401  (registers the registry's indicators)
            services,
            stocks,
        )
        from tuquan.registry.demo import load_registry_demo

        core_services.VILLAGE_LIFE_WATCHERS.append(stocks.villages_changing)
        jobs.on_lost(services.import_jobs_lost)
        hooks.demo_loader(20, load_registry_demo)
        if _my_teams not in hooks.HOME_CONTEXT:
            hooks.HOME_CONTEXT.append(_my_teams)


def _my_teams(user: Actor) -> dict[str, object]:
    # The home page lists the teams the user leads or serves in.
    from tuquan.registry.selectors import teams_of_user

    return {"my_teams": teams_of_user(user)}
