variable "workflows_active" {
  description = "Whether this environment's workflows run when triggered. Per environment: it never needs promotion."
  type        = bool
  default     = true
}
