"""Extension points: how an app in an upper layer adds to a page or a computation of an
app below it without the lower app importing it (docs/code-map.md, "Layers").

The lower app names a point and collects what is registered there:

    for link in collect("project_actions", user, project): ...

An upper app registers a provider for the point in its `extensions.py` module, which
`CoreConfig.ready` imports for every installed app:

    @provides("project_actions")
    def raise_problem_link(user, project): return [...]

Each provider returns a list (possibly empty); `collect` joins them in the order the apps
are installed. A point with no provider collects an empty list."""

from collections import defaultdict
from collections.abc import Callable

_PROVIDERS: dict[str, list[Callable]] = defaultdict(list)


def provides(point: str) -> Callable[[Callable], Callable]:
    def register(provider: Callable) -> Callable:
        if provider not in _PROVIDERS[point]:
            _PROVIDERS[point].append(provider)
        return provider

    return register


def collect(point: str, *args, **kwargs) -> list:
    results: list = []
    for provider in _PROVIDERS.get(point, ()):
        results.extend(provider(*args, **kwargs))
    return results
