"""The Textual user interface. Screens call the service layer (:mod:`sbtui.workspace`); IO runs
in workers. Nothing outside this package imports Textual."""
