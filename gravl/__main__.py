from gravl.cli import app

app(prog_name="gravl")
