from csi_tui.cli import main

raise SystemExit(main())
