"""`make plan`: the mock run, judged by the policy gate, compared with the golden inventory, printed and rendered."""
