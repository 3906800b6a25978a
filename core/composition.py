"""Pages of a lower app that show what a higher app holds, without importing it.

A prisoner's profile lists the declarations naming them and the campaigns featuring them,
but prisoners must know nothing of declarations or campaigns. So the page's queryset asks
its `RelatedSections` for prefetches, and the apps above register them in their
`AppConfig.ready()`: the dependency points up only at run time, through this hook.
"""


class RelatedSections:
    """Prefetches that apps above add to a page's queryset, each under its `to_attr`."""

    def __init__(self, name):
        self.name = name
        self._factories = []

    def register(self, factory):
        """`factory()` returns a `Prefetch`; it is called per request, so that querysets
        filtered by today's date stay current. Usable as a decorator."""
        if factory not in self._factories:
            self._factories.append(factory)
        return factory

    def prefetches(self):
        return [factory() for factory in self._factories]

    def __repr__(self):
        return f"<RelatedSections {self.name}: {len(self._factories)}>"
