"""A mypy plugin: calling a factory_boy factory gives its model.

`UserFactory(...)` makes a `User`, but factory_boy's metaclass `__call__` is untyped, so
mypy reads the call as making a `UserFactory`. A factory declared with its model as the
type argument (`class UserFactory(DjangoModelFactory[User])`) is read here as making that
model, like `UserFactory.create()` already is. Loaded by `[tool.mypy] plugins`.
"""

from collections.abc import Callable

from mypy.maptype import map_instance_to_supertype
from mypy.plugin import FunctionContext, Plugin
from mypy.types import Instance, Type, get_proper_type

BASE = "factory.base.BaseFactory"


def _model_made(ctx: FunctionContext) -> Type:
    made = get_proper_type(ctx.default_return_type)
    if isinstance(made, Instance):
        base = next((info for info in made.type.mro if info.fullname == BASE), None)
        if base is not None:
            args = map_instance_to_supertype(made, base).args
            if args and isinstance(get_proper_type(args[0]), Instance):
                return args[0]
    return ctx.default_return_type


class FactoryBoyPlugin(Plugin):
    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        symbol = self.lookup_fully_qualified(fullname)
        mro = getattr(symbol.node, "mro", None) if symbol is not None else None
        if mro and any(info.fullname == BASE for info in mro[1:]):
            return _model_made
        return None


def plugin(version: str) -> type[Plugin]:
    return FactoryBoyPlugin
