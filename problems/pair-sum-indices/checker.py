# Checker for pair-sum-indices, testlib order: argv = input file, the program's output, the expected answer.
# Accepts any pair i < j with a_i + a_j = target; -1 only when the expected answer is -1 too.
import sys

def main():
    with open(sys.argv[1]) as f:
        data = f.read().split()
    with open(sys.argv[2]) as f:
        actual = f.read().split()
    with open(sys.argv[3]) as f:
        expected = f.read().split()
    n, target = int(data[0]), int(data[1])
    a = [int(x) for x in data[2:2 + n]]
    if expected == ["-1"]:
        sys.exit(0 if actual == ["-1"] else 1)
    if len(actual) != 2 or not all(t.lstrip("-").isdigit() for t in actual):
        print("expected two indices")
        sys.exit(1)
    i, j = int(actual[0]), int(actual[1])
    if not (1 <= i < j <= n):
        print("indices out of range or not i < j")
        sys.exit(1)
    if a[i - 1] + a[j - 1] != target:
        print("a_i + a_j != target")
        sys.exit(1)
    sys.exit(0)

main()
