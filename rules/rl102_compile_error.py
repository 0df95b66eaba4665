from routerlint.rules.base import Rule

RULE = Rule(
    code="RL102",
    name="compile-error",
    severity="error",
    summary="The parser accepts the file but CPython's compiler rejects it.",
    explanation="""\
Some errors are found after parsing, by CPython's symbol table and code generator:
a duplicate argument name, `return`/`yield`/`await` outside a function, `nonlocal` without a
binding, `break` outside a loop. Parsers and many linters accept such files; importing them
raises SyntaxError all the same.

Bad:
    def create(item, item): ...

Good:
    def create(item, owner): ...
""",
    fix="fix the statement CPython names in the message",
)
