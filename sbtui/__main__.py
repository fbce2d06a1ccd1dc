from sbtui.cli import main

main()
