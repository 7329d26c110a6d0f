//! The body of `GET /sov/update/{id}`, which a callback delivery sends too.

use serde_json::{json, Value};

use crate::state::{Job, JobStatus};
use crate::urls::{output_path, UrlOrigin};

/// The body of contract §5.4 (also what a callback would receive).
pub fn status_body(job: &Job, origin: &UrlOrigin) -> Value {
    let mut body = json!({
        "request": {
            "request_uuid": job.request_uuid,
            "status": job.status.as_str(),
            "completed_at": job.completed_at,
            "pct_complete": job.pct_complete,
            "last_health_status": job.last_health_status,
            "last_health_check_time": job.last_health_check_time,
            "sudid": job.id,
            "record_type": job.record_type,
        }
    });
    if let Some(result) = job.result.as_ref().filter(|_| job.is_finished()) {
        let mut result_json = json!({"status": result.status, "message": result.message});
        if job.status == JobStatus::Complete {
            let outputs: Vec<Value> = result
                .outputs
                .iter()
                .map(|o| {
                    if o.listed_without_url {
                        return json!({"description": o.description, "filename": o.filename});
                    }
                    json!({
                        "description": o.description,
                        "filename": o.filename,
                        "url": match &o.origin {
                            Some(elsewhere) => format!("{elsewhere}{}", output_path(&job.id, &o.filename)),
                            None => origin.output_url(&job.id, &o.filename),
                        },
                    })
                })
                .collect();
            result_json["outputs"] = Value::Array(outputs);
        }
        body["result"] = result_json;
    }
    body
}
