from postcurate.cli import main

main()
