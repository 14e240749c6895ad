import { describe, expect, it } from "vitest";
import { extractCode, fencedBlocks, looksLikeCode, stripThinking } from "../../src/model/extract.ts";

describe("extractCode", () => {
  it("takes the fenced python block after reasoning text", () => {
    const reply = [
      "We need the sum of the array. Read n, then n numbers.",
      "",
      "```python",
      "n = int(input())",
      "print(sum(map(int, input().split())))",
      "```",
      "",
      "This runs in O(n).",
    ].join("\n");
    expect(extractCode(reply, "python")).toBe("n = int(input())\nprint(sum(map(int, input().split())))\n");
  });

  it("last block for the target language wins (the model revised its answer)", () => {
    const reply = "First try:\n```py\nprint(1)\n```\nWait, that is wrong. Fixed:\n```python3\nprint(2)\n```\n";
    expect(extractCode(reply, "python")).toBe("print(2)\n");
  });

  it("prefers the target language over blocks in other languages, even later ones", () => {
    const reply = [
      "```cpp",
      "#include <iostream>",
      "int main() { std::cout << 1; }",
      "```",
      "Run it with:",
      "```bash",
      "g++ -O2 main.cpp && ./a.out",
      "```",
    ].join("\n");
    expect(extractCode(reply, "cpp")).toBe("#include <iostream>\nint main() { std::cout << 1; }\n");
    expect(extractCode(reply, "python")).toBeNull();
  });

  it("recognises every tag spelling", () => {
    for (const tag of ["javascript", "js", "node", "JavaScript"]) {
      expect(extractCode("```" + tag + "\nconsole.log(1);\n```", "javascript")).toBe("console.log(1);\n");
    }
    for (const tag of ["cpp", "c++", "cc", "C++"]) {
      expect(extractCode("```" + tag + "\nint main(){}\n```", "cpp")).toBe("int main(){}\n");
    }
    expect(extractCode("``` python title=solution.py\nprint(3)\n```", "python")).toBe("print(3)\n");
    expect(extractCode("```{python}\nprint(4)\n```", "python")).toBe("print(4)\n");
  });

  it("falls back to the last untagged block, skipping sample I/O blocks", () => {
    const reply = [
      "Example input:",
      "```",
      "3",
      "1 2 3",
      "```",
      "Solution:",
      "```",
      "import sys",
      "data = sys.stdin.read().split()",
      "print(sum(map(int, data[1:])))",
      "```",
      "Expected output:",
      "```",
      "6",
      "```",
    ].join("\n");
    expect(extractCode(reply, "python")).toBe("import sys\ndata = sys.stdin.read().split()\nprint(sum(map(int, data[1:])))\n");
  });

  it("strips <think> blocks, including one that contains a draft fence", () => {
    const reply = "<think>\nMaybe:\n```python\nprint('draft')\n```\nNo, off by one.\n</think>\n\n```python\nprint('final')\n```";
    expect(extractCode(reply, "python")).toBe("print('final')\n");
  });

  it("drops a reasoning prefix whose <think> opening was swallowed by the server", () => {
    const reply = "Let me think about edge cases.\n```python\nprint('draft')\n```\n</think>\nHere is the answer:\n```python\nprint('answer')\n```";
    expect(extractCode(reply, "python")).toBe("print('answer')\n");
  });

  it("an unclosed <think> (cut off while thinking) holds no answer", () => {
    const reply = "<think>\nThe idea is a prefix sum.\n```python\nprint('half')\n";
    expect(extractCode(reply, "python")).toBeNull();
  });

  it("takes a cut-off block when it is the only one", () => {
    const reply = "```python\nimport sys\nfor line in sys.stdin:\n    print(line";
    expect(extractCode(reply, "python")).toBe("import sys\nfor line in sys.stdin:\n    print(line\n");
  });

  it("prefers a complete block over a cut-off revision after it", () => {
    const reply = "```python\nprint('complete')\n```\nA faster version:\n```python\nimport sys\nprint(sys.std";
    expect(extractCode(reply, "python")).toBe("print('complete')\n");
  });

  it("keeps nested fences inside a longer fence", () => {
    const reply = "````python\ns = '''\n```\n'''\nprint(s)\n````";
    expect(extractCode(reply, "python")).toBe("s = '''\n```\n'''\nprint(s)\n");
  });

  it("handles tilde fences, CRLF line endings and indented fences", () => {
    expect(extractCode("~~~python\r\nprint(5)\r\n~~~\r\n", "python")).toBe("print(5)\n");
    expect(extractCode("1. Code:\n   ```python\n   def f():\n       return 1\n   ```", "python")).toBe("def f():\n    return 1\n");
  });

  it("a whole reply that is code is taken as is", () => {
    const py = "import sys\n\ndef main():\n    n = int(sys.stdin.readline())\n    print(n * 2)\n\nmain()\n";
    expect(extractCode(py, "python")).toBe(py);
    const cpp = "#include <bits/stdc++.h>\nusing namespace std;\nint main() {\n  long long a, b;\n  cin >> a >> b;\n  cout << a + b << endl;\n}";
    expect(extractCode(cpp, "cpp")).toBe(`${cpp}\n`);
    const js = "const lines = require('fs').readFileSync(0, 'utf8').trim().split('\\n');\nconsole.log(Number(lines[0]) * 2);";
    expect(extractCode(js, "javascript")).toBe(`${js}\n`);
  });

  it("prose without fences is not code", () => {
    expect(extractCode("I cannot solve this problem because the constraints are unclear.", "python")).toBeNull();
    expect(extractCode("", "python")).toBeNull();
    expect(extractCode("def is a keyword in Python that defines a function.", "python")).toBeNull();
    expect(
      extractCode("import sys\nprint(1)\nThis program prints one and then stops immediately.", "python"),
    ).toBeNull();
  });

  it("fences in the wrong language only give null rather than foreign code", () => {
    expect(extractCode("```python\nprint(1)\n```", "cpp")).toBeNull();
    expect(extractCode("```text\n3\n```", "python")).toBeNull();
  });

  it("ignores empty blocks", () => {
    expect(extractCode("```python\nprint(1)\n```\n```python\n\n```", "python")).toBe("print(1)\n");
  });

  it("does not treat inline triple backticks with trailing backticks as a fence", () => {
    expect(fencedBlocks("use ```python``` blocks")).toEqual([]);
  });
});

describe("stripThinking", () => {
  it("removes several blocks and other reasoning tags", () => {
    expect(stripThinking("<think>a</think>x<thinking>b</thinking>y<reasoning>c</reasoning>z")).toBe("xyz");
  });
});

describe("looksLikeCode", () => {
  it("needs a code-looking first line and a language marker", () => {
    expect(looksLikeCode("x = 1", "python")).toBe(false);
    expect(looksLikeCode("x = int(input())\nprint(x)", "python")).toBe(true);
    expect(looksLikeCode("int main() { return 0; }", "cpp")).toBe(true);
    expect(looksLikeCode("Sure! Here is the code.", "javascript")).toBe(false);
  });
});
