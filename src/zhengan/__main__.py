from zhengan.cli import main

main()
