import Foundation

/// A validated experiment spec: the base configuration, its seeds and its sweep axes.
///
/// ```swift
/// let spec = try Spec.load("experiments/quickstart.yml", registry: registry, seeds: 10)
/// for point in spec.points { print(point.id) }   // method=bp/seed=0 …
/// ```
public struct Spec: Sendable {
  /// The spec's name (`name:`; defaults to the file name without extension).
  public var name: String
  /// The spec file as given, and every file it included.
  public var file: String
  public var files: [String]
  /// The validated sections, without `name`, `seeds` and `sweep`; defaults filled in.
  public var base: SpecValue
  public var seeds: [Int]
  public var axes: [SweepAxis]
  /// Source locations of the values, by dotted path (for errors raised after validation).
  public var locations: [String: SourceLocation]
  /// Where the values came from, by dotted path: what a relative path in one is relative to.
  public internal(set) var origins: [String: ValueOrigin] = [:]
  /// Every sweep point × seed, in a stable order (axes in declaration order, the last axis
  /// fastest, seeds innermost), with stage expansions applied (e.g. technology files read).
  public internal(set) var points: [SweepPoint] = []
  /// Things the user should know about how the file was read (a reference config converted).
  public internal(set) var notices: [String] = []
  /// The validated `executor:` section (where stages run), kept out of `base` and the points
  /// so that it enters no stage's params or key.
  public internal(set) var executor: SpecValue?

  /// Options that come from the command line rather than the file.
  public struct Overrides: Sendable {
    /// `--seeds N`: seeds 0..<N instead of the file's.
    public var seedCount: Int?
    /// `--set path=value` assignments, in order.
    public var assignments: [String]
    /// `--max-points N`: the most sweep points × seeds a spec may expand to.
    public var maxPoints: Int
    public init(seedCount: Int? = nil, assignments: [String] = [], maxPoints: Int = Spec.defaultMaxPoints) {
      self.seedCount = seedCount
      self.assignments = assignments
      self.maxPoints = maxPoints
    }
  }

  /// Sections the design names whose stage kinds a build may not have yet, by owner.
  static let plannedSections = ["dataset": "load", "frames": "bin", "model": "train", "train": "train",
                                "hardware": "map", "report": "report"]

  /// Loads, validates and compiles a spec file. Throws `SpecErrors` listing every problem.
  public static func load(
    _ path: String, registry: StageRegistry, overrides: Overrides = Overrides(),
    environment: [String: String] = ProcessInfo.processInfo.environment, treeDigester: TreeDigester = TreeDigester()
  ) throws -> Spec {
    let loader = SpecLoader(environment: environment)
    var (node, files) = try loader.load(path)
    var notices: [String] = []
    if let translate = registry.translator, let translated = try translate(node, path) {
      // Positions in errors then refer to the spec text `sdfa import` prints.
      node = try loader.parse(translated.spec, file: "\(path) (as imported)")
      notices.append(translated.notice)
    }
    var errors: [SpecError] = []
    for assignment in overrides.assignments {
      do {
        node = try apply(assignment, to: node, loader: loader)
      } catch let e as SpecErrors {
        errors += e.errors
      }
    }
    if !errors.isEmpty { throw SpecErrors(errors) }
    var spec = try compile(node, file: path, files: files, registry: registry, overrides: overrides,
                           treeDigester: treeDigester)
    spec.notices = notices
    return spec
  }

  /// Applies one `path=value` override (the value is YAML: `3`, `[256, 256]`, `{type: sgd}`).
  static func apply(_ assignment: String, to node: SpecNode, loader: SpecLoader) throws -> SpecNode {
    let origin = SourceLocation(file: "--set \(assignment)")
    guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
      throw SpecErrors([SpecError(origin, "an override must read path=value", hint: "for example --set train.epochs=3")])
    }
    let path = String(assignment[..<eq]).trimmingCharacters(in: .whitespaces)
    let value = try loader.parse(String(assignment[assignment.index(after: eq)...]), file: "--set \(path)")
    var result = node
    // Setting a swept path replaces the axis: the override wins over the sweep.
    if let sweep = node["sweep"], sweep[path] != nil {
      result = result.setting(["sweep"], to: sweep.removing(path))
    }
    return result.setting(path.split(separator: ".").map(String.init)[...], to: value)
  }

  static func compile(
    _ node: SpecNode, file: String, files: [String], registry: StageRegistry, overrides: Overrides,
    treeDigester: TreeDigester = TreeDigester()
  ) throws -> Spec {
    var errors: [SpecError] = []
    let fields = topLevelFields(registry: registry)
    let declared = Set(fields.map(\.name))

    // Sections of kinds this build lacks get a clear message rather than "unknown key".
    var sectionNode = node.removing("sweep").removing("sweep_labels").removing("limits")
    for entry in node.entries ?? [] where !declared.contains(entry.key) {
      if let owner = plannedSections[entry.key] {
        errors.append(SpecError(entry.keyLocation, "section '\(entry.key)' needs the '\(owner)' stage, which this build of sdfa does not include yet",
                                hint: "remove the section to run the stages before it"))
        sectionNode = sectionNode.removing(entry.key)
      }
    }
    let topSchema = Schema.object(fields)
    let value = topSchema.validate(sectionNode, path: "", errors: &errors)

    // Sweep axes.
    var axes: [SweepAxis] = []
    if let sweep = node["sweep"] {
      axes = compileSweep(sweep, schema: topSchema, base: value, errors: &errors)
    }
    if let labels = node["sweep_labels"] {
      applySweepLabels(labels, to: &axes, errors: &errors)
    }

    let origins = node.originsByPath
    let locations = origins.mapValues(\.location)
    // Plausible ranges, checked once on the base and once per axis value (never per point).
    let limits = topSchema.plausibleLimits
    let raised = raisedLimits(node["limits"], known: Dictionary(limits, uniquingKeysWith: { first, _ in first }), errors: &errors)
    if errors.isEmpty {
      errors += limitProblems(base: value, axes: axes, limits: limits, raised: raised, locations: locations, file: file)
    }
    guard errors.isEmpty, case .object(var base) = value else { throw SpecErrors(errors) }

    let given = base.removeValue(forKey: "name")?.stringValue
    let name = given ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    if let problem = SpecName.problem(name) {
      // The name becomes `results/<name>/` and an index key: a path in it would let the
      // results linker reach outside `results/`.
      let fix = "write name: \(SpecName.suggestion(for: name)) (letters, digits, '-', '_' and '.', not starting with '.')"
      throw SpecErrors([given != nil
        ? SpecError(locations["name"] ?? SourceLocation(file: file, line: 1, column: 1), "invalid spec name '\(name)': \(problem)", hint: fix)
        : SpecError(SourceLocation(file: file, line: 1, column: 1),
                    "the spec has no 'name:' and its file name '\(name)' is not a valid spec name: \(problem)", hint: "add a line: \(fix)")])
    }
    base.removeValue(forKey: "description")
    let executor = base.removeValue(forKey: "executor")
    let seedsValue = base.removeValue(forKey: "seeds") ?? .number(1)
    if let count = overrides.seedCount, count < 1 {
      throw SpecErrors([SpecError(SourceLocation(file: "--seeds \(count)"), "--seeds must be at least 1, found \(count)",
                                  hint: "pass --seeds 5 for seeds 0…4")])
    }
    // Counted before anything is expanded: `seeds: 100000000` must not allocate first.
    try checkPointCount(axes: axes, seedsValue: seedsValue, overrides: overrides, locations: locations, file: file)
    var seeds: [Int]
    if let count = seedsValue.intValue { seeds = Array(0..<count) } else { seeds = seedsValue.listValue?.compactMap(\.intValue) ?? [0] }
    if let count = overrides.seedCount { seeds = Array(0..<count) }
    if case .sequence(let items)? = node["seeds"]?.kind, overrides.seedCount == nil {
      var seen = Set<Int>()
      for (item, seed) in zip(items, seeds) where !seen.insert(seed).inserted {
        throw SpecErrors([SpecError(item.location, "seed \(seed) is listed twice", hint: "list each seed once")])
      }
    }

    var spec = Spec(name: name, file: file, files: files, base: .object(base), seeds: seeds, axes: axes, locations: locations,
                    origins: origins)
    // Stage expansions (files a stage reads become params), presence and cross-field checks.
    var seen = Set<SpecError>()
    // Expansions are shared by the seeds of a sweep point (an expansion reads files, never the
    // seed), so a technology file is read once per point, not once per run.
    var expansions: [String: SpecValue] = [:]
    var points: [SweepPoint] = []
    let (locate, origin) = (spec.locate, spec.origin)
    for var point in spec.expandedPoints {
      let seed = point.seedValue
      // The axes' value labels (unique per axis) determine the configuration up to the seed:
      // a cheaper key than the configuration's JSON, written 100,000 times in large sweeps.
      let canonical = point.assignments.dropLast().map { "\($0.axis)=\($0.value)" }.joined(separator: "/")
      if let done = expansions[canonical] {
        point = SweepPoint(
          id: point.id, assignments: point.assignments, swept: done, seed: seed, origins: point.origins)
      } else {
        // A swept value's origin is its item in `sweep:`, not the section it replaces.
        let swept = point.origins
        let context = ExpansionContext(
          specFile: file, locate: { swept[$0]?.location ?? locate($0) }, origin: { swept[$0] ?? origin($0) },
          treeDigester: treeDigester)
        for stage in registry.stages {
          do {
            point.config = try stage.expand(point.config, context: context)
          } catch let problems as SpecErrors {
            for problem in problems.errors where seen.insert(problem).inserted { errors.append(problem) }
          }
        }
        expansions[canonical] = point.config
        // Checked once per sweep point too: checks never read the seed (``Stage/check(_:locate:)``).
        for problem in StageGraph.structuralProblems(point.config, registry: registry, spec: spec)
        where seen.insert(problem).inserted { errors.append(problem) }
        for stage in registry.stages {
          for problem in stage.check(point.config, locate: spec.locate) where seen.insert(problem).inserted {
            errors.append(problem)
          }
        }
      }
      points.append(point)
    }
    if !errors.isEmpty { throw SpecErrors(errors) }
    spec.points = points
    spec.executor = executor
    return spec
  }

  /// Every top-level key a spec may have with this registry's stage kinds (`sdfa schema`
  /// prints them). `sweep` and `include` are handled apart (the loader resolves includes,
  /// sweeps are compiled on their own) but named here, so that a misspelling of them gets
  /// the right suggestion.
  public static func topLevelFields(registry: StageRegistry) -> [Schema.Field] {
    var fields: [Schema.Field] = [
      .init("name", .string, doc: "the experiment family's name (default: the file name without extension)"),
      .init("description", .string, doc: "free text; enters no key"),
      .init("seeds", .oneOf([.positiveInteger, .list(of: .integer(min: 0), minCount: 1)],
                            description: "a seed count (≥ 1) or a list of seeds"), default: .number(1),
            doc: "a count N runs seeds 0..<N; a list runs those seeds"),
    ]
    fields += registry.sections.map { Schema.Field($0.name, $0.schema) }
    fields.append(.init("executor", ExecutorSettings.schema(kinds: registry.stages.map(\.kind)), doc: "where stages run"))
    fields += [
      .init("sweep", .object([]), doc: "axes: a dotted spec path mapped to a list of values, or to {label: value}"),
      .init("sweep_labels", .object([]), doc: "a swept path mapped to the short label its column, figures and point ids use (default: the path's last component)"),
      .init("include", .oneOf([.string, .list(of: .string)], description: "a file name or a list of file names"), doc: "a file (or a list of files) merged under this one; paths relative to this file"),
      .init("limits", .object([]), doc: "raised plausible limits, by field path (limits: {frames.T: 20000}); see docs/limits.md"),
    ]
    return fields
  }

  /// The source location of a dotted path, or of its nearest located ancestor.
  public func locate(_ path: String) -> SourceLocation {
    var p = path
    while !p.isEmpty {
      if let location = locations[p] { return location }
      p = p.contains(".") ? String(p[..<p.lastIndex(of: ".")!]) : ""
    }
    return SourceLocation(file: file, line: 1, column: 1)
  }

  /// Where the value at a dotted path came from (a value the schema filled in: its nearest
  /// written ancestor, never interpolated).
  public func origin(_ path: String) -> ValueOrigin {
    origins[path] ?? ValueOrigin(location: locate(path))
  }

  /// The path-valued field at `path`, whose value is `written`, made absolute by the rule of
  /// ``ValueOrigin``: relative to the file that wrote it, or to the current folder when it
  /// came from `${VAR}` or `--set`.
  public func resolvePath(at path: String, _ written: String) -> ResolvedPath {
    origin(path).resolve(written, specFile: file)
  }
}
