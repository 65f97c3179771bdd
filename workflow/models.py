# Review cases, editions and every lifecycle state machine land here (see DESIGN.md).
