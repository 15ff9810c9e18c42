import Testing
@testable import Pipeline

/// An alias as a mapping key is refused before the YAML parser hashes it (see
/// ``AliasKeyScan``); aliases as values, and text that only looks like an alias key, are not.
struct AliasKeyScanTests {
  @Test(arguments: [
    ("a: &a x\n*a : 1\n", AliasKeyScan.Hit(name: "a", line: 2, column: 1)),
    ("a: &a x\nm:\n  *a: 1\n", AliasKeyScan.Hit(name: "a", line: 3, column: 3)),
    ("a: &a x\nm: {k: 1, *a: 2}\n", AliasKeyScan.Hit(name: "a", line: 2, column: 11)),
    ("a: &a x\n? *a\n: 1\n", AliasKeyScan.Hit(name: "a", line: 2, column: 3)),
    ("a: &a x\nl:\n  - *a: 1\n", AliasKeyScan.Hit(name: "a", line: 3, column: 5)),
    ("a: &a-1_b x\nm: {? *a-1_b : 1}\n", AliasKeyScan.Hit(name: "a-1_b", line: 2, column: 7)),
  ])
  func anAliasInKeyPositionIsFound(text: String, hit: AliasKeyScan.Hit) {
    #expect(AliasKeyScan.firstAliasKey(in: text) == hit)
  }

  @Test(arguments: [
    "defaults: &d {lr: 0.1}\ntrain:\n  <<: *d\n  epochs: 2\n",  // a merge key's alias is a value
    "a: &a [1, 2]\nb: *a\nc: [*a, *a]\nd:\n  - *a\n",  // aliases as values
    "note: \"*a: not a key\"\nother: '*b: nor this'\n",  // quoted
    "note: \"first line\n  *a: still quoted\"\n",  // a double-quoted scalar over two lines
    "note: 'it''s\n  *a: quoted'\n",  // '' inside single quotes
    "x: 1  # *a: a comment\n# *b: a whole-line comment\n",
    "text: |\n  *a: inside a literal block\n  more\nnext: 2\n",
    "text: >-\n  *a: inside a folded block\nnext: 2\n",
    "product: 2*a\n",  // '*' inside a plain scalar is not an alias
  ])
  func nothingElseIsTakenForAnAliasKey(text: String) {
    #expect(AliasKeyScan.firstAliasKey(in: text) == nil)
  }

  @Test func aBlockScalarEndsWhereItsIndentationDoes() {
    let text = "text: |\n  body\n*a : 1\n"
    #expect(AliasKeyScan.firstAliasKey(in: text) == AliasKeyScan.Hit(name: "a", line: 3, column: 1))
  }

  @Test func theLoaderRefusesTheKeyWithItsPositionAndTheFix() throws {
    let text = "a: &a [x]\nm: {? *a : 1}\n"
    #expect {
      _ = try SpecLoader(environment: [:]).parse(text, file: "k.yml")
    } throws: { error in
      let message = "\(error)"
      return message.contains("k.yml:2:7") && message.contains("alias '*a' is used as a mapping key")
    }
  }
}
