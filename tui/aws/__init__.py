"""The AWS layer: boto3 sessions and clients, the read-only guard, discovery, metrics, logs.

This is the only package that imports boto3/botocore.
"""
