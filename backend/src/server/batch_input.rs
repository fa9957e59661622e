//! The bodies `POST /api/v1/predict/batch` accepts, as a list of named structures or SMILES:
//! `multipart/form-data` (one structure per file; a `.csv` file adds its rows, a zip archive its
//! members), `application/zip`, `text/csv` (read by `shared::batch`'s one table reader: a
//! `cif`, `poscar` or `structure` column, optional `name`/`material_id`/`id`; or, without a
//! structure column, a `smiles` column with an optional `name`/`iupac`), or a JSON array of
//! `/predict` bodies with an optional `name`.

use super::error::{ApiError, ApiResult};
use super::extract::bytes_rejection;
use super::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use shared::api::{PredictRequest, codes};
use shared::batch;

/// One item of a batch: its name and the request, or why it could not be read.
pub struct BatchItem {
    pub name: String,
    pub request: ApiResult<PredictRequest>,
}

/// The items of a batch body, checked against the batch-length limit.
pub struct BatchInput(pub Vec<BatchItem>);

#[derive(Deserialize)]
struct JsonItem {
    #[serde(default)]
    name: Option<String>,
    #[serde(flatten)]
    request: PredictRequest,
}

impl FromRequest<AppState> for BatchInput {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> ApiResult<BatchInput> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let limit = state.limits.max_batch_body_bytes;
        let items = if content_type.starts_with("multipart/form-data") {
            let multipart = Multipart::from_request(request, state)
                .await
                .map_err(|e| ApiError::new(e.status(), codes::INVALID_REQUEST, e.body_text()))?;
            multipart_items(multipart, limit, state.limits.unpack).await?
        } else if content_type.starts_with("text/csv") || content_type.starts_with("application/csv") {
            csv_items(&body(request, state).await?, "the body", state.limits.unpack)?
        } else if content_type.starts_with("application/zip") || content_type.starts_with("application/x-zip") {
            let bytes = body(request, state).await?;
            if !batch::is_zip(&bytes) {
                return Err(ApiError::invalid_request("the body is not a zip archive"));
            }
            file_items("upload.zip", &bytes, state.limits.unpack)
        } else if content_type.starts_with("application/json") {
            let items: Vec<JsonItem> = serde_json::from_slice(&body(request, state).await?)
                .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_JSON, e.to_string()))?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| BatchItem {
                    name: item.name.unwrap_or_else(|| format!("item-{i}")),
                    request: Ok(item.request),
                })
                .collect()
        } else {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                "send multipart/form-data files, a zip archive, a text/csv table or a JSON array",
            ));
        };
        let max = state.limits.max_batch_items;
        if items.len() > max {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::BATCH_TOO_LARGE,
                format!("the batch has {} structures, more than the limit of {max}", items.len()),
            )
            .with_detail(serde_json::json!({ "items": items.len(), "limit": max })));
        }
        if items.is_empty() {
            return Err(ApiError::invalid_request("the batch holds no structures"));
        }
        Ok(BatchInput(items))
    }
}

async fn body(request: Request, state: &AppState) -> ApiResult<Bytes> {
    Bytes::from_request(request, state).await.map_err(|e| bytes_rejection(e, state.limits.max_batch_body_bytes))
}

async fn multipart_items(
    mut multipart: Multipart,
    limit: usize,
    unpack: batch::UnpackLimits,
) -> ApiResult<Vec<BatchItem>> {
    let mut items = Vec::new();
    loop {
        let field = multipart.next_field().await.map_err(|e| multipart_error(e, limit))?;
        let Some(field) = field else { break };
        let name = field.file_name().or(field.name()).map_or_else(|| format!("item-{}", items.len()), str::to_string);
        // A table sent under a name without `.csv` is still a table when its part says so.
        let name = if field.content_type() == Some("text/csv") && !batch::is_table(&name) {
            format!("{name}.csv")
        } else {
            name
        };
        let bytes = field.bytes().await.map_err(|e| multipart_error(e, limit))?;
        items.extend(file_items(&name, &bytes, unpack));
    }
    Ok(items)
}

/// The items of one uploaded file (a structure, a structure or molecule table, or a zip archive
/// of structures and structure tables).
fn file_items(name: &str, bytes: &[u8], unpack: batch::UnpackLimits) -> Vec<BatchItem> {
    if batch::is_table(name) && !batch::is_zip(bytes) {
        return csv_items(bytes, name, unpack)
            .unwrap_or_else(|error| vec![BatchItem { name: name.to_string(), request: Err(error) }]);
    }
    batch::items_from_file(name, bytes, unpack).into_iter().map(BatchItem::from).collect()
}

fn multipart_error(e: axum::extract::multipart::MultipartError, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::payload_too_large(limit)
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, e.body_text())
    }
}

/// Rows of a structure or molecule table (CSV, or gzip-compressed CSV); a row that cannot be
/// read becomes an item with its error (a SMILES is read later, as a single `/predict` reads it).
fn csv_items(bytes: &[u8], source: &str, unpack: batch::UnpackLimits) -> ApiResult<Vec<BatchItem>> {
    let table = batch::read_batch_table(bytes, source, unpack).map_err(|e| ApiError::invalid_request(e.to_string()))?;
    Ok(match table {
        batch::BatchTable::Structures(items) => items.into_iter().map(BatchItem::from).collect(),
        batch::BatchTable::Molecules(table) => table
            .rows
            .into_iter()
            .enumerate()
            .map(|(index, row)| match row {
                Ok(row) => BatchItem {
                    name: row.display_name(),
                    request: Ok(PredictRequest {
                        structure: None,
                        format: None,
                        text: None,
                        model: None,
                        strict: false,
                        smiles: Some(row.molecule),
                    }),
                },
                Err(e) => {
                    BatchItem { name: batch::row_name(index), request: Err(ApiError::invalid_request(e.to_string())) }
                }
            })
            .collect(),
    })
}

impl From<batch::TableItem> for BatchItem {
    fn from(item: batch::TableItem) -> BatchItem {
        BatchItem {
            name: item.name,
            request: item
                .structure
                .map(|(structure, format)| PredictRequest {
                    structure: Some(structure),
                    format,
                    text: None,
                    model: None,
                    strict: false,
                    smiles: None,
                })
                .map_err(ApiError::invalid_request),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Format;

    #[test]
    fn table_rows_become_requests_and_bad_tables_api_errors() {
        let unpack = batch::UnpackLimits::default();
        let items = csv_items(b"name,poscar\nx,POSCAR text\n", "t.csv", unpack).unwrap();
        let request = items[0].request.as_ref().unwrap();
        assert_eq!((items[0].name.as_str(), request.structure.as_deref().unwrap()), ("x", "POSCAR text"));
        assert_eq!(request.format, Some(Format::Poscar));
        let table = csv_items(b"a,b\n1,2\n", "t.csv", unpack).err().expect("no structure column");
        assert_eq!(table.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(table.body.message.ends_with("its columns are `a`, `b`"), "{}", table.body.message);
    }

    #[test]
    fn smiles_rows_become_smiles_requests() {
        let unpack = batch::UnpackLimits::default();
        let items = csv_items(b"smiles,name\nCCO,ethanol\n,empty\nC1CC,\n", "m.csv", unpack).unwrap();
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["ethanol", "row-3", "row-4"]);
        assert_eq!(items[0].request.as_ref().unwrap().smiles.as_deref(), Some("CCO"));
        let empty = items[1].request.as_ref().err().expect("an empty cell");
        assert_eq!(empty.body.message, "m.csv, line 3, column `smiles`: no SMILES in the cell");
        assert_eq!(items[2].request.as_ref().unwrap().smiles.as_deref(), Some("C1CC"));
        let uploaded = file_items("m.csv", b"smiles\nO\n", unpack);
        assert_eq!(uploaded[0].request.as_ref().unwrap().smiles.as_deref(), Some("O"));
    }
}
