from routerlint.cli import main

main()
