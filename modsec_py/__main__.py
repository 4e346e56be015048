from modsec_py.cli import main

main()
