import Foundation
import Spec

// The hidden layers from the rules: what the spec fixed of the shape, the depth
// (DepthDecision.swift), the widths (WidthDecision.swift), the user's values checked against
// the rules (FixedValueChecks.swift), the record (HiddenSizingRecord.swift), then activation,
// batch norm, initialiser and dropout (HiddenChoices.swift). See CombinationPolicy for the
// policy in words.

/// The sizing and depth rules on this data, evaluated once for a rule design.
struct ShapeRules {
    let geometric: GeometricWidthRule
    let twoThirds: TwoThirdsWidthRule
    let mean: MeanWidthRule
    let capacity: CapacityRule
    let bounds: WidthBoundsRule
    let linear: LinearDepthRule
    let signal: SignalDepthRule
    let low: LowDepthRule
    let high: HighDepthRule
    let wide: WideVersusDeepRule
    /// SIZE-FLOOR on `bounded`.
    let floor: WidthFloorRule
    /// The median of the three width rules.
    let median: Double
    /// The median rounded: the first width the rules want.
    let desired: Int
    /// The narrowest width worth a layer, at least SIZE-BOUNDS' lowest.
    let minimumUseful: Int
    /// `desired` clamped into SIZE-BOUNDS, and raised to `minimumUseful` where they allow it.
    let bounded: Int

    /// Whether SIZE-FLOOR set the first of `widths` (it acts after SIZE-CAPACITY's cut).
    func floorSetFirst(of widths: [Int]) -> Bool {
        floor.floor > 0 && widths.first == floor.floor && bounded != floor.floor
    }

    /// The IDs of the three width rules the median is taken of.
    static let medianIDs = [GeometricWidthRule.id, TwoThirdsWidthRule.id, MeanWidthRule.id]

    /// SIZE-CAPACITY's total in whole units.
    var capacityUnits: Int { capacity.totalHiddenUnits }

    /// The width rule whose value is the median (the first of equal ones).
    var medianSource: String? {
        zip(Self.medianIDs, [geometric.width, twoThirds.width, mean.width])
            .first { $0.1 == median }?.0
    }

    /// SIZE-TAPER's widths from `first`, floored at `No`.
    func taper(_ first: Int, _ layers: Int) -> [Int] {
        TaperRule(firstWidth: first, layers: layers, floor: bounds.lowest).widths
    }

    /// The widest tapered widths from at most `first` whose total fits SIZE-CAPACITY and
    /// whose layers stay useful; nil when none do.
    func fitted(_ layers: Int, from first: Int) -> [Int]? {
        guard layers > 0 else { return [] }
        var width = first
        while width >= 1 {
            let candidate = taper(width, layers)
            if candidate.reduce(0, +) <= capacityUnits
                && candidate.allSatisfy({ $0 >= min(minimumUseful, first) })
            {
                return candidate
            }
            width -= 1
        }
        return nil
    }

    /// The first width's derivation, `median(a, b, c) = m -> w`, with the bounds' and the
    /// capacity's cuts to `first`.
    func medianWhy(first: Int?) -> String {
        var why =
            "median(\(NumberText.evidence(geometric.width)), \(NumberText.evidence(twoThirds.width)), "
            + "\(NumberText.evidence(mean.width))) = \(NumberText.evidence(median)) -> \(desired)"
        if bounded != desired { why += ", SIZE-BOUNDS -> \(bounded)" }
        if let first, floorSetFirst(of: [first]) {
            why += ", SIZE-FLOOR -> \(first)"
        } else if let first, first != bounded {
            why += ", SIZE-CAPACITY (total <= \(capacityUnits)) -> \(first)"
        }
        return why
    }
}

/// What the spec fixed of the hidden shape when it lists no layers.
struct UserShape {
    /// `model.hidden_layers`, when fixed.
    let depth: Int?
    /// `model.neurons`, when fixed.
    let neurons: NeuronsChoice?

    /// Whether `model.neurons` lists one width per hidden layer.
    var listsWidths: Bool {
        if case .widths? = neurons { return true }
        return false
    }
}

extension DesignSession {
    /// Median of a non-empty list.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The design from the rules and the user's shape settings (no explicit layer list).
    /// - Throws: `AdvisorError.invalidSpec` when `model.neurons` lists a different number of
    ///   widths than `model.hidden_layers` fixes.
    mutating func ruleDesign() throws(AdvisorError) -> HiddenDesign {
        let rules = shapeRules()
        let shape = try userShape()
        var depth = decideDepth(rules: rules, shape: shape)
        let widths = decideWidths(depth: &depth, rules: rules, shape: shape)
        checkShape(depth: depth, widths: widths, rules: rules, shape: shape)
        recordSizing(depth: depth, widths: widths, rules: rules, shape: shape)
        recordShapeReasons(depth: depth, widths: widths, rules: rules, shape: shape)
        return hiddenChoices(widths: widths.widths)
    }

    /// The sizing and depth rules on this data and the advisor's thresholds.
    func shapeRules() -> ShapeRules {
        let geometric = GeometricWidthRule(inputs: ni, outputs: no)
        let twoThirds = TwoThirdsWidthRule(inputs: ni, outputs: no)
        let mean = MeanWidthRule(inputs: ni, outputs: no)
        let capacity = CapacityRule(
            rows: ns, inputs: ni, outputs: no, alpha: settings.capacityAlpha)
        let bounds = WidthBoundsRule(inputs: ni, outputs: no)
        let median = Self.median([geometric.width, twoThirds.width, mean.width])
        let desired = roundedWidth(median)
        let minimumUseful = max(bounds.lowest, SizingAdvisor.minimumUsefulWidth)
        // A width of 1 only where the bounds allow nothing wider.
        let bounded =
            bounds.highest >= minimumUseful
            ? max(bounds.clamp(desired), minimumUseful) : bounds.clamp(desired)
        // SIZE-FLOOR only where a hidden layer is possible at all.
        let floor = WidthFloorRule(
            ruleWidth: bounded, floor: bounds.highest >= minimumUseful ? settings.widthFloor : 0)
        let twoLayerWidth = TaperRule(
            firstWidth: floor.width, layers: 2, floor: bounds.lowest
        ).widths.reduce(0, +)
        let conservative = CapacityRule(
            rows: ns, inputs: ni, outputs: no, alpha: CapacityRule.conservativeAlpha
        ).totalHidden
        return ShapeRules(
            geometric: geometric, twoThirds: twoThirds, mean: mean, capacity: capacity,
            bounds: bounds,
            linear: LinearDepthRule(
                task: task, probe: data.linearProbe, margin: settings.linearR2Margin),
            signal: signalRule,
            low: LowDepthRule(
                inputs: ni, threshold: settings.depthHighInputs,
                conservativeCapacity: conservative, twoLayerWidth: twoLayerWidth),
            high: HighDepthRule(
                inputs: ni, threshold: settings.depthHighInputs,
                threeUpTo: settings.depthThreeLayersUpTo, fourUpTo: settings.depthFourLayersUpTo),
            wide: WideVersusDeepRule(
                desiredWidth: desired, inputs: ni, outputs: no,
                capacity: capacity.totalHiddenUnits, twoLayerWidth: twoLayerWidth),
            floor: floor, median: median, desired: desired, minimumUseful: minimumUseful,
            bounded: bounded)
    }

    /// What the spec fixed of the shape: `model.hidden_layers` and `model.neurons`.
    /// - Throws: `AdvisorError.invalidSpec` when a width list contradicts the fixed depth.
    func userShape() throws(AdvisorError) -> UserShape {
        let shape = UserShape(
            depth: spec.model.hiddenLayers.value, neurons: spec.model.neurons.value)
        if case .widths(let list)? = shape.neurons, let fixedDepth = shape.depth,
            fixedDepth != list.count
        {
            throw .invalidSpec(
                keyPath: SpecKey.neurons.path,
                message:
                    "\(list.count) widths listed but model.hidden_layers is \(fixedDepth); give "
                    + "one width per hidden layer",
                location: location(of: SpecKey.neurons.path))
        }
        return shape
    }
}
