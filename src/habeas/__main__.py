"""``python -m habeas``: the same as the ``habeas`` console script."""

from habeas.cli import main

main()
