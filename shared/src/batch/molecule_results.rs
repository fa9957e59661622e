//! The molecule batch-result CSV layout, written by `matfuse predict` for a molecule bundle and
//! the API's `POST /api/v1/predict/batch?format=csv` for SMILES: `name`, `smiles`, then for each
//! task of each model its value (a classifier's: the calibrated probability) and, for a
//! regression, `_sigma` (in the task's unit), then `error`.

use super::results::csv_record;
use crate::api::MoleculePrediction;
use crate::task::{Task, TaskKind};

/// One model's task in the table.
#[derive(Clone, Debug, PartialEq)]
struct TaskColumn {
    model: String,
    task: String,
    regression: bool,
    /// The task's name, or `<model>.<task>` when more than one model predicts it.
    header: String,
}

/// The result table of one or more molecule models.
#[derive(Clone, Debug, PartialEq)]
pub struct MoleculeResultCsv {
    columns: Vec<TaskColumn>,
}

impl MoleculeResultCsv {
    /// The table of `models`: each model's id and its tasks, in order.
    pub fn new(models: &[(&str, &[&Task])]) -> MoleculeResultCsv {
        let predicted_by = |name: &str| models.iter().filter(|(_, tasks)| tasks.iter().any(|t| t.name == name)).count();
        let columns = models
            .iter()
            .flat_map(|&(model, tasks)| {
                tasks.iter().map(move |task| TaskColumn {
                    model: model.to_string(),
                    task: task.name.to_string(),
                    regression: task.kind == TaskKind::Regression,
                    header: if predicted_by(task.name) > 1 {
                        format!("{model}.{}", task.name)
                    } else {
                        task.name.to_string()
                    },
                })
            })
            .collect();
        MoleculeResultCsv { columns }
    }

    /// The header's cells.
    pub fn header_cells(&self) -> Vec<String> {
        let mut cells = vec!["name".to_string(), "smiles".into()];
        for column in &self.columns {
            cells.push(column.header.clone());
            if column.regression {
                cells.push(format!("{}_sigma", column.header));
            }
        }
        cells.push("error".into());
        cells
    }

    /// The header as one CSV line.
    pub fn header(&self) -> String {
        csv_record(&self.header_cells())
    }

    /// One row's cells: the SMILES, then each task's value (and σ) from the prediction of its
    /// model (empty where `predictions` lack it), or the error.
    pub fn row_cells(&self, name: &str, smiles: &str, outcome: Result<&[MoleculePrediction], &str>) -> Vec<String> {
        let mut cells = vec![name.to_string(), smiles.to_string()];
        let predictions = outcome.as_ref().map_or(&[][..], |p| *p);
        for column in &self.columns {
            let value = predictions
                .iter()
                .filter(|p| p.model.id == column.model)
                .find_map(|p| p.tasks.iter().find(|t| t.task == column.task));
            cells.push(value.map(|v| v.value.to_string()).unwrap_or_default());
            if column.regression {
                cells.push(value.and_then(|v| v.sigma).map(|s| s.to_string()).unwrap_or_default());
            }
        }
        cells.push(outcome.err().unwrap_or_default().to_string());
        cells
    }

    /// One row as one CSV line.
    pub fn row(&self, name: &str, smiles: &str, outcome: Result<&[MoleculePrediction], &str>) -> String {
        csv_record(&self.row_cells(name, smiles, outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ModelInfo, MoleculeTaskValue};

    fn task(name: &str) -> &'static Task {
        crate::task::by_name(name).expect("a registered task")
    }

    fn prediction(model: &str, task: &str, value: f64, sigma: Option<f64>) -> MoleculePrediction {
        MoleculePrediction {
            model: ModelInfo {
                id: model.into(),
                version: "1".into(),
                trained: true,
                weights_sha256: String::new(),
                notice: None,
            },
            fusion: "cross".into(),
            tasks: vec![MoleculeTaskValue {
                task: task.into(),
                unit: String::new(),
                value,
                sigma,
                interval_95: None,
                probability: sigma.is_none().then_some(value),
            }],
            gate: None,
            atom_contributions: vec![],
            fingerprint_bits: vec![],
            without_view: vec![],
        }
    }

    #[test]
    fn each_models_tasks_get_their_columns() {
        let (esol, bace) = ([task("log_solubility")], [task("bace_inhibitor")]);
        let table = MoleculeResultCsv::new(&[("esol", &esol[..]), ("bace", &bace[..])]);
        assert_eq!(table.header(), "name,smiles,log_solubility,log_solubility_sigma,bace_inhibitor,error\n");
        let predictions =
            [prediction("bace", "bace_inhibitor", 0.25, None), prediction("esol", "log_solubility", -1.5, Some(0.5))];
        assert_eq!(table.row("ethanol", "CCO", Ok(&predictions)), "ethanol,CCO,-1.5,0.5,0.25,\n");
        assert_eq!(table.row("row-3", "C1CC", Err("ring 1, bad")), "row-3,C1CC,,,,\"ring 1, bad\"\n");
    }

    #[test]
    fn a_task_of_two_models_is_named_by_model() {
        let esol = [task("log_solubility")];
        let table = MoleculeResultCsv::new(&[("a", &esol[..]), ("b", &esol[..])]);
        assert_eq!(
            table.header_cells()[2..6],
            ["a.log_solubility", "a.log_solubility_sigma", "b.log_solubility", "b.log_solubility_sigma"]
        );
        let predictions = [prediction("b", "log_solubility", 2.0, Some(0.1))];
        assert_eq!(table.row_cells("x", "C", Ok(&predictions))[2..6], ["", "", "2", "0.1"]);
    }
}
