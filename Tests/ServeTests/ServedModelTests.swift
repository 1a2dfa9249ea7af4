import Foundation
import Runs
import Serve
import Spec
import Testing

/// The answer to a JSON text sent to `POST /predict`.
func answer(_ model: ServedModel, _ body: String) async -> ServeAnswer {
    await model.predict(body: Array(body.utf8))
}

/// The `errors` list of a 4xx answer as (field, message, fix).
func problems(_ answer: ServeAnswer) -> [(field: String?, message: String, fix: String)] {
    guard case .array(let items)? = answer.body["errors"] else { return [] }
    return items.map { item in
        var field: String?
        if case .string(let text)? = item["field"] { field = text }
        var message = ""
        if case .string(let text)? = item["message"] { message = text }
        var fix = ""
        if case .string(let text)? = item["fix"] { fix = text }
        return (field, message, fix)
    }
}

/// The predictions of a 200 answer, each field as text the way `predict` writes it.
func predictionRows(_ answer: ServeAnswer) -> [[String: String]] {
    guard case .array(let items)? = answer.body["predictions"] else { return [] }
    return items.map { item in
        guard case .object(let members) = item else { return [:] }
        var row: [String: String] = [:]
        for member in members {
            switch member.value {
            case .string(let text): row[member.key] = text
            case .number(let value): row[member.key] = "\(Float(value))"
            case .int(let value): row[member.key] = "\(Float(value))"
            default: row[member.key] = member.value.compactText
            }
        }
        return row
    }
}

@Suite("the served model: predictions as predict makes them, every bad request located")
struct ServedModelTests {
    @Test("iris: labels and probabilities equal `predict` on the same rows, bit for bit")
    func irisMatchesPredict() async throws {
        let (run, _) = try SharedRuns.iris.get()
        let model = try ServedModel(folder: run)
        let result = await answer(
            model,
            """
            {"rows": [
              {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
              {"sepal_length": 6.7, "sepal_width": 3, "petal_length": 5.2, "petal_width": 2.3},
              {"sepal_length": 5.9, "sepal_width": 3.0, "petal_length": 4.2, "petal_width": 1.5}
            ]}
            """)
        #expect(result.status == 200, "\(result.body.compactText)")
        let expected = try predictorRows(
            run,
            csv: "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n"
                + "6.7,3,5.2,2.3\n5.9,3.0,4.2,1.5\n")
        let served = predictionRows(result)
        #expect(served.count == 3)
        #expect(served == expected)
        #expect(served.first?["predicted_species"] == "setosa")
        #expect(result.body["warnings"] == .array([]))
    }

    @Test("penguins: the id repeated, null as missing, an unseen category warned as predict does")
    func penguinsMatchesPredict() async throws {
        let (run, _) = try SharedRuns.penguins.get()
        let model = try ServedModel(folder: run)
        let result = await answer(
            model,
            """
            {"rows": [
              {"row": "a", "island": "Biscoe", "bill_length_mm": 46.1, "bill_depth_mm": 13.2,
               "flipper_length_mm": 211, "body_mass_g": 4500, "sex": "female"},
              {"row": 7, "island": "Atlantis", "bill_length_mm": null, "bill_depth_mm": 18.7,
               "flipper_length_mm": 181, "body_mass_g": null, "sex": null},
              {"row": "c", "island": " Dream ", "bill_length_mm": 49.5, "bill_depth_mm": 19,
               "flipper_length_mm": 200, "body_mass_g": 3800, "sex": "NA"}
            ]}
            """)
        #expect(result.status == 200, "\(result.body.compactText)")
        let expected = try predictorRows(
            run,
            csv: "row,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex\n"
                + "a,Biscoe,46.1,13.2,211,4500,female\n7,Atlantis,,18.7,181,,\n"
                + "c,Dream,49.5,19,200,3800,NA\n")
        var served = predictionRows(result)
        #expect(served.count == 3)
        // The id comes back as the request sent it: a string, or the number 7.
        #expect(served[0]["row"] == "a" && served[2]["row"] == "c")
        #expect(served[1]["row"] == "7.0")
        served[1]["row"] = "7"
        #expect(served == expected)
        guard case .array(let warnings)? = result.body["warnings"] else {
            Issue.record("no warnings list")
            return
        }
        #expect(
            warnings.contains {
                if case .string(let text) = $0 { text.contains("'Atlantis'") } else { false }
            }, "\(warnings)")
    }

    @Test("diabetes: a regression value in the target's units (log target), as predict")
    func regressionMatchesPredict() async throws {
        let (run, _) = try SharedRuns.diabetes.get()
        let model = try ServedModel(folder: run)
        let result = await answer(
            model,
            """
            {"rows": [{"age": 59, "sex": 2, "bmi": 32.1, "bp": 101, "s1": 157, "s2": 93.2,
                       "s3": 38, "s4": 4, "s5": 4.8598, "s6": 87},
                      {"age": 48, "sex": "1", "bmi": 21.6, "bp": 87, "s1": 183, "s2": 103.2,
                       "s3": 70, "s4": 3, "s5": 3.8918, "s6": 69}]}
            """)
        #expect(result.status == 200, "\(result.body.compactText)")
        let expected = try predictorRows(
            run,
            csv: "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n59,2,32.1,101,157,93.2,38,4,4.8598,87\n"
                + "48,1,21.6,87,183,103.2,70,3,3.8918,69\n")
        #expect(predictionRows(result) == expected)
        #expect(result.body["warnings"] == .array([]))
    }

    @Test("dates as ISO strings (a zone converted, null missing) as predict; a non-date is 400")
    func dates() async throws {
        let (run, _) = try SharedRuns.dates.get()
        let model = try ServedModel(folder: run)
        let result = await answer(
            model,
            """
            {"rows": [{"when": "2011-05-01T10:00:00Z", "x": 1},
                      {"when": "2011-07-15T23:30:00+02:00", "x": 3},
                      {"when": "2011-09-09", "x": 0},
                      {"when": null, "x": 2}]}
            """)
        #expect(result.status == 200, "\(result.body.compactText)")
        let expected = try predictorRows(
            run,
            csv: "when,x\n2011-05-01T10:00:00Z,1\n2011-07-15T23:30:00+02:00,3\n2011-09-09,0\n,2\n")
        #expect(predictionRows(result) == expected)
        let columns = model.information(maximumBodyBytes: 1)["columns"]
        #expect(
            columns
                == .array([
                    .object([
                        .init("name", .string("when")), .init("type", .string("date")),
                        .init("encoding", .string("date_parts")),
                    ]),
                    .object([
                        .init("name", .string("x")), .init("type", .string("number")),
                        .init("encoding", .string("standardised")),
                    ]),
                ]))

        let bad = await answer(
            model, #"{"rows": [{"when": "2011-02-30", "x": 1}, {"when": 5, "x": 1}]}"#)
        #expect(bad.status == 400)
        let found = problems(bad)
        #expect(found.map(\.field) == ["rows[0].when", "rows[1].when"])
        #expect(found.first?.message.contains("not a date") == true)
        #expect(found.last?.message.contains("got a number") == true)
    }

    @Test("equality indicators: computed from the two columns sent, as predict; not asked for")
    func equalityIndicators() async throws {
        let (run, _) = try SharedRuns.paid.get()
        let model = try ServedModel(folder: run)
        let result = await answer(
            model,
            """
            {"rows": [{"paid": 20.25, "pa": 20.25, "pb": 33.5},
                      {"paid": 33.5, "pa": 20.25, "pb": 33.5},
                      {"paid": null, "pa": 20.25, "pb": 33.5}]}
            """)
        #expect(result.status == 200, "\(result.body.compactText)")
        let expected = try predictorRows(
            run, csv: "paid,pa,pb\n20.25,20.25,33.5\n33.5,20.25,33.5\n,20.25,33.5\n")
        #expect(predictionRows(result) == expected)
        // The request's columns are the file's: the indicators are the model's own inputs.
        guard case .array(let columns)? = model.information(maximumBodyBytes: 1)["columns"] else {
            Issue.record("no columns")
            return
        }
        #expect(columns.map { $0["name"] } == [.string("paid"), .string("pa"), .string("pb")])
        // A row without one of an indicator's columns is told which.
        let short = await answer(model, #"{"rows": [{"paid": 20.25, "pa": 20.25}]}"#)
        #expect(short.status == 400)
        #expect(problems(short).map(\.field) == ["rows[0].pb"])
    }

    @Test("an empty rows array is an empty answer")
    func emptyRows() async throws {
        let model = try ServedModel(folder: try SharedRuns.iris.get().0)
        let result = await answer(model, #"{"rows": []}"#)
        #expect(result.status == 200)
        #expect(result.body["predictions"] == .array([]))
    }

    @Test(
        "a body that is not JSON or not the request's shape: 400, located",
        arguments: [
            ("{\"rows\": [\n  {\"sepal_length\": 5.1,}\n]}", nil, "trailing comma"),
            ("{\"rows\": [1, 2", nil, "ends inside"),
            ("", nil, "ends where a value"),
            ("[1]", nil, "not an object"),
            ("{}", "rows", "no \"rows\""),
            ("{\"rows\": {}}", "rows", "not an array"),
            ("{\"rows\": [3]}", "rows[0]", "a number, not an object"),
            ("{\"rows\": [], \"row\": 1}", "row", "unknown member 'row'"),
            ("{\"rows\": [], \"rows\": []}", nil, "appears twice"),
            ("{\"rows\": [{\"sepal_length\": NaN}]}", nil, "NaN and Infinity"),
        ] as [(String, String?, String)])
    func malformedBodies(body: String, field: String?, message: String) async throws {
        let model = try ServedModel(folder: try SharedRuns.iris.get().0)
        let result = await answer(model, body)
        #expect(result.status == 400)
        let first = try #require(problems(result).first)
        #expect(first.field == field)
        #expect(first.message.contains(message), "\(first.message)")
        #expect(!first.fix.isEmpty)
        if case .string(let error)? = result.body["error"] {
            #expect(error.contains(message))
        } else {
            Issue.record("no error line: \(result.body.compactText)")
        }
    }

    @Test("a syntax error carries its line and column")
    func syntaxErrorIsLocated() async throws {
        let model = try ServedModel(folder: try SharedRuns.iris.get().0)
        let result = await answer(model, "{\"rows\": [\n  {\"sepal_length\" 5.1}\n]}")
        guard case .array(let errors)? = result.body["errors"], let first = errors.first else {
            Issue.record("no errors")
            return
        }
        #expect(first["line"] == .int(2))
        #expect(first["column"] == .int(19))
    }

    @Test("every problem of every row at once: missing, extra, target, wrong types")
    func everyProblemAtOnce() async throws {
        let model = try ServedModel(folder: try SharedRuns.penguins.get().0)
        let result = await answer(
            model,
            """
            {"rows": [
              {"island": "Biscoe", "bill_length_mm": "46.1", "bill_depth_mm": 13.2,
               "flipper_length_mm": true, "body_mass_g": 4500, "sex": ["female"]},
              {"island": 3, "bill_lenght_mm": 39, "bill_depth_mm": 18.7, "species": "Adelie",
               "flipper_length_mm": 181, "body_mass_g": 1e39, "sex": "male"}
            ]}
            """)
        #expect(result.status == 400)
        let found = problems(result)
        func problem(_ field: String) -> (message: String, fix: String)? {
            found.first { $0.field == field }.map { ($0.message, $0.fix) }
        }
        #expect(problem("rows[0].bill_length_mm")?.fix.contains("without quotes: 46.1") == true)
        #expect(problem("rows[0].flipper_length_mm")?.message.contains("a boolean") == true)
        #expect(problem("rows[0].sex")?.message.contains("an array") == true)
        #expect(
            problem("rows[1].bill_lenght_mm")?.fix.contains("did you mean 'bill_length_mm'")
                == true)
        #expect(problem("rows[1].bill_length_mm")?.message.contains("no 'bill_length_mm'") == true)
        #expect(problem("rows[1].species")?.message.contains("the target") == true)
        #expect(problem("rows[1].body_mass_g")?.message.contains("32-bit float") == true)
        // A number for a text category is its text: "3" is an unseen island, not an error.
        #expect(problem("rows[1].island") == nil)
        #expect(found.count == 7, "\(found.map { $0.field ?? "-" })")
    }

    @Test("more than the row limit is refused before any row is read; problems listed up to 20")
    func limits() async throws {
        let run = try SharedRuns.iris.get().0
        let small = try ServedModel(folder: run, maximumRows: 2)
        let row =
            #"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#
        let three = await answer(small, "{\"rows\": [\(row), \(row), \(row)]}")
        #expect(three.status == 400)
        #expect(problems(three).first?.field == "rows")
        #expect(problems(three).first?.message.contains("limit of 2") == true)
        #expect(await answer(small, "{\"rows\": [\(row), \(row)]}").status == 200)

        let model = try ServedModel(folder: run)
        let bad = (0..<30).map { _ in "{}" }.joined(separator: ",")
        let many = await answer(model, "{\"rows\": [\(bad)]}")
        let listed = problems(many)
        #expect(listed.count == 21)
        #expect(listed.last?.message == "100 more problem(s)")
        // Deep nesting is bounded before it can exhaust the stack.
        let deep = String(repeating: "[", count: 100_000)
        #expect(await answer(model, "{\"rows\": \(deep)").status == 400)
    }

    @Test("GET /model: columns with types and levels, outputs, layers by their spec names")
    func information() async throws {
        let model = try ServedModel(folder: try SharedRuns.penguins.get().0)
        let info = model.information(maximumBodyBytes: 1024)
        #expect(info["task"] == .string("classification"))
        #expect(info["target"] == .string("species"))
        #expect(info["id_column"] == .string("row"))
        #expect(info["classes"] == .array(["Adelie", "Chinstrap", "Gentoo"].map(JSONValue.string)))
        guard case .array(let columns)? = info["columns"] else {
            Issue.record("no columns")
            return
        }
        #expect(columns.count == 6)
        let island = columns.first { $0["name"] == .string("island") }
        #expect(island?["type"] == .string("category"))
        #expect(
            island?["levels"] == .array(["Biscoe", "Dream", "Torgersen"].map(JSONValue.string)))
        #expect(
            columns.first { $0["name"] == .string("body_mass_g") }?["type"] == .string("number"))
        #expect(
            info["outputs"]
                == .array(
                    [
                        "predicted_species", "probability_Adelie", "probability_Chinstrap",
                        "probability_Gentoo",
                    ].map(JSONValue.string)))
        #expect(info["network"]?["members"] == .int(2))
        #expect(info["limits"]?["max_rows"] == .int(10_000))
        guard case .array(let layers)? = info["network"]?["layers"] else {
            Issue.record("no layers")
            return
        }
        #expect(layers.last?["function"] == .string("softmax"))

        let regression = try ServedModel(folder: try SharedRuns.diabetes.get().0)
        let regressionInfo = regression.information(maximumBodyBytes: 1024)
        #expect(regressionInfo["task"] == .string("regression"))
        #expect(regressionInfo["target_transform"] == .string("log"))
        guard case .array(let regressionLayers)? = regressionInfo["network"]?["layers"] else {
            Issue.record("no layers")
            return
        }
        // The engine's identity is the spec's `linear`.
        let functions = regressionLayers.compactMap { $0["function"] }
        #expect(!functions.contains(.string("identity")))
        #expect(functions.last == .string("linear"))
    }

    @Test("requests in parallel share the pooled networks and give the same answers")
    func parallelRequests() async throws {
        let model = try ServedModel(folder: try SharedRuns.iris.get().0)
        let bodies = (0..<40).map { k in
            "{\"rows\": [{\"sepal_length\": \(4.5 + Double(k % 8) * 0.4), \"sepal_width\": 3.1, "
                + "\"petal_length\": \(1 + Double(k % 8) * 0.7), \"petal_width\": 1.2}]}"
        }
        var serial: [ServeAnswer] = []
        for body in bodies { serial.append(await answer(model, body)) }
        let parallel = await withTaskGroup(of: (Int, ServeAnswer).self) { group in
            for (k, body) in bodies.enumerated() {
                group.addTask { (k, await answer(model, body)) }
            }
            var answers = [ServeAnswer?](repeating: nil, count: bodies.count)
            for await (k, result) in group { answers[k] = result }
            return answers
        }
        #expect(parallel == serial.map { Optional($0) })
    }
}
