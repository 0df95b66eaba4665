from routerlint.rules.base import Rule

RULE = Rule(
    code="RL005",
    name="orm-response-model",
    severity="error",
    summary="A route's response model is a SQLAlchemy model; FastAPI refuses it when the "
            "route is declared.",
    explanation="""\
FastAPI builds a Pydantic field for each route's response model when the decorator runs,
while the router's module imports. A SQLAlchemy mapped class is not a valid Pydantic field
type, so `@router.get(..., response_model=User)` raises `FastAPIError: Invalid args for
response field!` and the router fails to load. Since FastAPI 0.89 the return annotation is
the response model when `response_model` is not given, so `def get_user(...) -> User:` fails
the same way (string annotations and `from __future__ import annotations` included).

Bad:
    @router.get("/{user_id}")
    def get_user(user_id: int, db: Session = Depends(get_db)) -> User:   # User: an ORM class
        ...

Good:
    class UserOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)
        id: int
        email: str

    @router.get("/{user_id}", response_model=UserOut)
    def get_user(user_id: int, db: Session = Depends(get_db)) -> User:
        ...
""",
    fix="declare a Pydantic schema for the response (`response_model=UserOut`, with "
        "from_attributes=True), or pass `response_model=None`",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_MODELS = ("from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import DeclarativeBase\n"
           "from pydantic import BaseModel\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
           "class User(Base):\n    __tablename__ = \"users\"\n"
           "    id = Column(Integer, primary_key=True)\n\n\n"
           "class UserOut(BaseModel):\n    id: int\n")
_ROUTER = ("from fastapi import APIRouter\n\nfrom app.models import User, UserOut\n\n"
           "router = APIRouter()\n\n\n@router.get(\"/users/{{user_id}}\"{model})\n"
           "def get_user(user_id: int) -> User:\n    return User(id=user_id)\n")
VALID = [{"app/__init__.py": "", "app/models.py": _MODELS, "app/routers/__init__.py": "",
          "app/routers/users.py": _ROUTER.format(model=", response_model=UserOut")}]
INVALID = [{"app/__init__.py": "", "app/models.py": _MODELS, "app/routers/__init__.py": "",
            "app/routers/users.py": _ROUTER.format(model="")}]
